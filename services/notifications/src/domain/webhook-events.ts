import { Events, type EventDefinition, type EventEnvelope } from '@iso20000/events';

/** The events endpoints may subscribe to, by their GraphQL name. Credential events never leave the bus. */
export const WEBHOOK_EVENTS = {
  EXAM_SITTING_RELEASED: Events.ExamSittingReleased,
  EXAM_SITTING_VOIDED: Events.ExamSittingVoided,
  CERTIFICATE_ISSUED: Events.CertificateIssued,
  CERTIFICATE_REVOKED: Events.CertificateRevoked,
  ATO_STATUS_CHANGED: Events.AtoStatusChanged,
  ATO_DELIVERY_PREFERENCE_CHANGED: Events.AtoDeliveryPreferenceChanged,
  RCB_STATUS_CHANGED: Events.RcbStatusChanged,
  REGISTRY_CERTIFICATION_CHANGED: Events.CertificationChanged,
  REGISTRY_CERTIFICATION_FLAG_RAISED: Events.CertificationFlagRaised,
  REGISTRY_TRANSFER_REQUESTED: Events.CertificationTransferRequested,
  REGISTRY_TRANSFER_OBJECTED: Events.CertificationTransferObjected,
  REGISTRY_TRANSFER_OBJECTION_DECIDED: Events.CertificationTransferObjectionDecided,
  REGISTRY_TRANSFER_COMPLETED: Events.CertificationTransferCompleted,
  REGISTRY_TRANSFER_CANCELLED: Events.CertificationTransferCancelled,
} as const satisfies Record<string, EventDefinition<unknown>>;

export type WebhookEventType = keyof typeof WEBHOOK_EVENTS;
export const WEBHOOK_EVENT_TYPES = Object.keys(WEBHOOK_EVENTS) as WebhookEventType[];

const TYPE_OF_SUBJECT = new Map<string, WebhookEventType>(
  WEBHOOK_EVENT_TYPES.map((type) => [WEBHOOK_EVENTS[type].subject, type]),
);

export function webhookEventTypeOf(subject: string): WebhookEventType {
  const type = TYPE_OF_SUBJECT.get(subject);
  if (!type) throw new Error(`${subject} is not an event webhooks deliver`);
  return type;
}

export type OwnerKind = 'SCHEME' | 'RCB' | 'ATO' | 'RELYING_PARTY';

/** What each kind of owner may subscribe to at all; the event's scope then narrows it per owner. */
export const SUBSCRIBABLE: Readonly<Record<OwnerKind, readonly WebhookEventType[]>> = {
  SCHEME: WEBHOOK_EVENT_TYPES,
  RCB: [
    'REGISTRY_CERTIFICATION_CHANGED',
    'REGISTRY_CERTIFICATION_FLAG_RAISED',
    'REGISTRY_TRANSFER_REQUESTED',
    'REGISTRY_TRANSFER_OBJECTED',
    'REGISTRY_TRANSFER_OBJECTION_DECIDED',
    'REGISTRY_TRANSFER_COMPLETED',
    'REGISTRY_TRANSFER_CANCELLED',
    'RCB_STATUS_CHANGED',
  ],
  ATO: [
    'EXAM_SITTING_RELEASED',
    'EXAM_SITTING_VOIDED',
    'CERTIFICATE_ISSUED',
    'CERTIFICATE_REVOKED',
    'ATO_STATUS_CHANGED',
    'ATO_DELIVERY_PREFERENCE_CHANGED',
  ],
  RELYING_PARTY: ['CERTIFICATE_ISSUED', 'CERTIFICATE_REVOKED', 'REGISTRY_CERTIFICATION_CHANGED'],
};

/**
 * Who an event concerns, from the event and the ownership copies this service keeps (a revoked
 * certificate's ATO comes from its issue, a voided sitting's from its release; a transferred
 * certification also concerns the RCB it left).
 */
export interface EventScope {
  rcbIds: string[];
  atoId: string | null;
  /** A certificate number (certificate events) ... */
  certificateNumber: string | null;
  /** ... or a registry certificate number (registry events): what relying parties watch. */
  certificationNumber: string | null;
}

export interface EndpointAudience {
  ownerKind: OwnerKind;
  ownerId: string | null;
  eventTypes: readonly string[];
  certificateNumbers: readonly string[];
  certificationNumbers: readonly string[];
}

/** Whether an endpoint receives an event: subscribed, within what its owner may see, and past its filters. */
export function endpointReceives(
  endpoint: EndpointAudience,
  type: WebhookEventType,
  scope: EventScope,
): boolean {
  if (!endpoint.eventTypes.includes(type) || !SUBSCRIBABLE[endpoint.ownerKind].includes(type)) return false;
  const certificateFilter = endpoint.certificateNumbers;
  const certificationFilter = endpoint.certificationNumbers;
  if (certificateFilter.length > 0 && scope.certificateNumber !== null) {
    if (!certificateFilter.includes(scope.certificateNumber)) return false;
  }
  if (certificationFilter.length > 0 && scope.certificationNumber !== null) {
    if (!certificationFilter.includes(scope.certificationNumber)) return false;
  }
  switch (endpoint.ownerKind) {
    case 'SCHEME':
      return true;
    case 'RCB':
      return endpoint.ownerId !== null && scope.rcbIds.includes(endpoint.ownerId);
    case 'ATO':
      return endpoint.ownerId !== null && scope.atoId === endpoint.ownerId;
    case 'RELYING_PARTY':
      // only what it names: a relying party never receives "everything"
      return (
        (scope.certificateNumber !== null && certificateFilter.includes(scope.certificateNumber)) ||
        (scope.certificationNumber !== null && certificationFilter.includes(scope.certificationNumber))
      );
  }
}

/**
 * What a relying party may see of an event: what the public verification by number shows, no more
 * (no candidate or sitting ids, no score, no revocation reason). The RCB a certification was
 * transferred away from gets the same public view of that change, with `previousRcbId` (itself): it
 * learns it lost the certification and no more than anyone may know of it afterwards. Everyone else
 * gets the envelope as published.
 */
export function envelopeFor(
  owner: { kind: OwnerKind; id: string | null },
  envelope: EventEnvelope,
): Record<string, unknown> {
  const payload = envelope.payload as Record<string, unknown>;
  if (owner.kind === 'RELYING_PARTY') return publicView(envelope, PUBLIC_FIELDS[envelope.subject] ?? []);
  if (
    owner.kind === 'RCB' &&
    envelope.subject === Events.CertificationChanged.subject &&
    payload.rcbId !== owner.id &&
    payload.previousRcbId === owner.id
  )
    return publicView(envelope, [...(PUBLIC_FIELDS[envelope.subject] ?? []), 'previousRcbId']);
  return { ...envelope };
}

function publicView(envelope: EventEnvelope, keep: readonly string[]): Record<string, unknown> {
  const payload = envelope.payload as Record<string, unknown>;
  const { requestId: _requestId, traceparent: _traceparent, ...rest } = envelope;
  return {
    ...rest,
    // tells a reader the payload is the public view of the catalogue's event, not all of it
    view: 'public',
    payload: Object.fromEntries(keep.filter((key) => key in payload).map((key) => [key, payload[key]])),
  };
}

const PUBLIC_FIELDS: Record<string, readonly string[]> = {
  [Events.CertificateIssued.subject]: ['number', 'holderName', 'examCode', 'issuedAt'],
  [Events.CertificateRevoked.subject]: ['number', 'revokedAt'],
  [Events.CertificationChanged.subject]: [
    'certificationId',
    'certificateNumber',
    'rcbId',
    'organizationId',
    'change',
    'status',
    'version',
    'changedAt',
  ],
};
