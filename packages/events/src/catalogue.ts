import { ATO_STATUSES, EXAM_CODES, RCB_STATUSES } from '@iso20000/scheme';
import countries from 'i18n-iso-countries';
import { z } from 'zod';

/**
 * One event of the catalogue: its logical subject (`<service>.<aggregate>.<event>`), its payload
 * version and the schema that both the producer (on record) and the consumer (on receipt) check.
 */
export interface EventDefinition<T> {
  readonly subject: string;
  readonly version: number;
  readonly schema: z.ZodType<T>;
}

/** What travels on the wire: the payload wrapped with the facts every consumer needs. */
export interface EventEnvelope<T = unknown> {
  /** uuid; also the JetStream `Nats-Msg-Id` (dedupe) and the consumers' inbox key. */
  id: string;
  /** Logical subject, without the namespace. */
  subject: string;
  version: number;
  /** ISO 8601 instant at which the state change was recorded. */
  occurredAt: string;
  /** The request that caused the change, for tracing across services. */
  requestId?: string;
  payload: T;
  /** W3C trace context of the work that recorded the event; absent when tracing is off. */
  traceparent?: string;
}

/** The payload type of an event definition: `PayloadOf<typeof Events.CertificateIssued>`. */
export type PayloadOf<D> = D extends EventDefinition<infer T> ? T : never;

/** Thrown when a payload or envelope does not match the catalogue. */
export class InvalidEventError extends Error {
  constructor(
    readonly subject: string,
    readonly version: number,
    readonly issues: string,
  ) {
    super(`invalid ${subject} v${version}: ${issues}`);
    this.name = 'InvalidEventError';
  }
}

const SUBJECT_PATTERN = /^[a-z][a-z0-9-]*(\.[a-z][a-z0-9-]*){2}$/;

export function defineEvent<T>(subject: string, version: number, schema: z.ZodType<T>): EventDefinition<T> {
  if (!SUBJECT_PATTERN.test(subject)) {
    throw new Error(
      `event subject "${subject}" must be <service>.<aggregate>.<event> in lower-case kebab words`,
    );
  }
  if (!Number.isInteger(version) || version < 1) {
    throw new Error(`event ${subject}: version must be a positive integer, got ${version}`);
  }
  return Object.freeze({ subject, version, schema });
}

/** Validates a payload against its definition; returns the parsed value (unknown keys stripped). */
export function parseEventPayload<T>(def: EventDefinition<T>, payload: unknown): T {
  const result = def.schema.safeParse(payload);
  if (!result.success) {
    throw new InvalidEventError(def.subject, def.version, z.prettifyError(result.error));
  }
  return result.data;
}

/** Validates a whole envelope as received from the bus, payload included. */
export function parseEventEnvelope<T>(def: EventDefinition<T>, value: unknown): EventEnvelope<T> {
  const envelope = envelopeSchema.safeParse(value);
  if (!envelope.success) {
    throw new InvalidEventError(def.subject, def.version, z.prettifyError(envelope.error));
  }
  const { id, subject, version, occurredAt, requestId, payload, traceparent } = envelope.data;
  if (subject !== def.subject || version !== def.version) {
    throw new InvalidEventError(def.subject, def.version, `envelope carries ${subject} v${version}`);
  }
  const parsed: EventEnvelope<T> = {
    id,
    subject,
    version,
    occurredAt,
    payload: parseEventPayload(def, payload),
  };
  if (requestId !== undefined) parsed.requestId = requestId;
  if (traceparent !== undefined) parsed.traceparent = traceparent;
  return parsed;
}

const envelopeSchema = z.object({
  id: z.uuid(),
  subject: z.string().min(1),
  version: z.number().int().positive(),
  occurredAt: z.iso.datetime({ offset: true }),
  requestId: z.string().min(1).max(200).optional(),
  payload: z.unknown(),
  traceparent: z
    .string()
    .regex(/^[0-9a-f]{2}-[0-9a-f]{32}-[0-9a-f]{16}-[0-9a-f]{2}$/)
    .optional(),
});

// Building blocks, in the domain's words. Every aggregate id in this system is a uuid.
const id = z.uuid();
const instant = z.iso.datetime({ offset: true });
const calendarDate = z.iso.date();
const reason = z.string().trim().min(1).max(2000);
const organizationName = z.string().trim().min(1).max(300);
/** ISO 3166-1 alpha-2, upper case. */
const countryCode = z
  .string()
  .regex(/^[A-Z]{2}$/, 'expected an ISO 3166-1 alpha-2 country code')
  .refine((code) => countries.isValid(code), 'expected an ISO 3166-1 alpha-2 code that names a country');
/** A language tag as the exam service records it (e.g. `en`, `pt-BR`, `zh-Hans`). */
const language = z.string().trim().min(2).max(35);

export const ExamCode = z.enum(EXAM_CODES);
export type ExamCode = z.infer<typeof ExamCode>;

export const AtoStatus = z.enum(ATO_STATUSES);
export type AtoStatus = z.infer<typeof AtoStatus>;

export const RcbStatus = z.enum(RCB_STATUSES);
export type RcbStatus = z.infer<typeof RcbStatus>;

export const CertificateDeliveryFormat = z.enum(['ELECTRONIC_ONLY', 'PAPER_AND_ELECTRONIC']);
export type CertificateDeliveryFormat = z.infer<typeof CertificateDeliveryFormat>;

export const CertificateRecipient = z.enum(['CANDIDATE', 'ATO']);
export type CertificateRecipient = z.infer<typeof CertificateRecipient>;

/** A postal address, for hard-copy certificates sent via an ATO. */
export const PostalAddress = z.object({
  recipientName: z.string().trim().min(1).max(300),
  lines: z.array(z.string().trim().min(1).max(300)).min(1).max(5),
  city: z.string().trim().min(1).max(200),
  postalCode: z.string().trim().max(40).nullable(),
  country: countryCode,
});
export type PostalAddress = z.infer<typeof PostalAddress>;

const percentage = z.number().min(0).max(100);

const sittingReleased = z
  .object({
    sittingId: id,
    candidateId: id,
    candidateName: z.string().trim().min(1).max(300),
    examCode: ExamCode,
    language,
    /** null: sat at a public exam session of the scheme owner, or self-study. */
    atoId: id.nullable(),
    sessionId: id,
    score: z.number().int().min(0),
    maxScore: z.number().int().positive(),
    percentage,
    passed: z.boolean(),
    /** Score reached the trainer-eligibility threshold of the exam (Practitioner 66%, Auditor 75%). */
    trainerEligible: z.boolean(),
    satOn: calendarDate,
    releasedAt: instant,
  })
  .refine((p) => p.score <= p.maxScore, { message: 'score exceeds maxScore', path: ['score'] })
  .refine((p) => p.passed || !p.trainerEligible, {
    message: 'a failed sitting cannot make a trainer eligible',
    path: ['trainerEligible'],
  });

/** One step of a certification's transfer between RCBs (IAF MD 2), as the registry records it. */
const certificationTransferStep = z.object({
  transferId: id,
  certificationId: id,
  /** The issuing RCB's certificate number. */
  certificateNumber: z.string().trim().min(1).max(100),
  /** The issuing RCB (holding the certification until the transfer completes). */
  fromRcbId: id,
  /** The accepting RCB (it requested the transfer). */
  toRcbId: id,
  /** The transfer's status after this step: PENDING, OBJECTED, COMPLETED, REFUSED or CANCELLED. */
  status: z.string().trim().min(1).max(64),
  /** Until when the issuing RCB may object. */
  objectionDeadline: instant,
  /** Why (an objection, a decision, a cancellation); null when the step needs none. */
  reason: reason.nullable(),
  /** How a closed transfer ended (e.g. ACKNOWLEDGED, OBJECTION_WINDOW_ENDED, OBJECTION_UPHELD); null while open. */
  outcome: z.string().trim().min(1).max(64).nullable(),
  occurredAt: instant,
});

export const Events = {
  /** A sitting's result was released to the candidate (pass or fail). A pass leads to a certificate. */
  ExamSittingReleased: defineEvent('exam.sitting.released', 1, sittingReleased),

  /** A sitting was voided (malpractice); any certificate it produced is revoked. */
  ExamSittingVoided: defineEvent(
    'exam.sitting.voided',
    1,
    z.object({
      sittingId: id,
      candidateId: id,
      examCode: ExamCode,
      reason,
      voidedAt: instant,
      /** The ATO the sitting was with (null: none); absent in events recorded before it was carried. */
      atoId: id.nullable().optional(),
    }),
  ),

  /** An electronic certificate was issued for a released pass. */
  CertificateIssued: defineEvent(
    'certificate.certificate.issued',
    1,
    z.object({
      certificateId: id,
      /** The public certificate number anyone can verify. */
      number: z.string().trim().min(1).max(64),
      sittingId: id,
      candidateId: id,
      holderName: z.string().trim().min(1).max(300),
      examCode: ExamCode,
      language,
      atoId: id.nullable(),
      issuedAt: instant,
      percentage,
      trainerEligible: z.boolean(),
    }),
  ),

  /** A certificate was revoked; verification says so from now on. */
  CertificateRevoked: defineEvent(
    'certificate.certificate.revoked',
    1,
    z.object({
      certificateId: id,
      number: z.string().trim().min(1).max(64),
      sittingId: id,
      candidateId: id,
      reason,
      revokedAt: instant,
      /** The ATO of the sitting (null: none); absent in events recorded before it was carried. */
      atoId: id.nullable().optional(),
    }),
  ),

  /** An ATO moved in its accreditation lifecycle (applied -> assessed -> accredited/rejected -> suspended/withdrawn). */
  AtoStatusChanged: defineEvent(
    'accreditation.ato.status-changed',
    1,
    z.object({
      atoId: id,
      name: organizationName,
      country: countryCode,
      status: AtoStatus,
      previousStatus: AtoStatus.nullable(),
      reason: reason.nullable(),
      changedAt: instant,
    }),
  ),

  /** An RCB moved in its appointment lifecycle; a suspended or withdrawn RCB issues no new certifications. */
  RcbStatusChanged: defineEvent(
    'accreditation.rcb.status-changed',
    1,
    z.object({
      rcbId: id,
      name: organizationName,
      status: RcbStatus,
      previousStatus: RcbStatus.nullable(),
      reason: reason.nullable(),
      changedAt: instant,
    }),
  ),

  /** An ATO chose how its candidates' certificates are delivered. */
  AtoDeliveryPreferenceChanged: defineEvent(
    'accreditation.ato.delivery-preference-changed',
    1,
    z
      .object({
        atoId: id,
        format: CertificateDeliveryFormat,
        recipient: CertificateRecipient,
        /** Where hard copies go when the ATO is the recipient. */
        atoAddress: PostalAddress.nullable(),
        changedAt: instant,
      })
      .refine(
        (p) => !(p.format === 'PAPER_AND_ELECTRONIC' && p.recipient === 'ATO') || p.atoAddress !== null,
        {
          message: 'paper certificates sent via the ATO need the ATO address',
          path: ['atoAddress'],
        },
      ),
  ),

  /** An RCB integration credential was issued; only the hash of its secret travels. */
  CredentialIssued: defineEvent(
    'accreditation.credential.issued',
    1,
    z.object({
      credentialId: id,
      rcbId: id,
      /** sha256 hex of the secret (the verifier compares hashes, never secrets). */
      secretHash: z.string().regex(/^[0-9a-fA-F]{64}$/, 'expected the sha256 hex of the secret'),
      label: z.string().trim().min(1).max(200).nullable(),
      issuedAt: instant,
    }),
  ),

  /** An RCB integration credential was revoked: every verifier must refuse it within seconds. */
  CredentialRevoked: defineEvent(
    'accreditation.credential.revoked',
    1,
    z.object({ credentialId: id, rcbId: id, revokedAt: instant }),
  ),

  /**
   * A verifier accepted an RCB integration credential (at most one per credential per minute and
   * process). Published on core NATS: losing one only makes `lastUsedAt` a little older.
   */
  CredentialUsed: defineEvent(
    'accreditation.credential.used',
    1,
    z.object({ credentialId: id, usedAt: instant }),
  ),

  /** A certification in the public registry changed (issued, surveillance, suspension, transfer...). */
  CertificationChanged: defineEvent(
    'registry.certification.changed',
    1,
    z.object({
      certificationId: id,
      rcbId: id,
      certificateNumber: z.string().trim().min(1).max(100),
      organizationId: id,
      /** What happened, in the registry's lifecycle words (e.g. ISSUED, SUSPENDED, TRANSFERRED). */
      change: z.string().trim().min(1).max(64),
      /** The certification's status after the change. */
      status: z.string().trim().min(1).max(64),
      /** History version of the certification after the change (1 for the first). */
      version: z.number().int().positive(),
      changedAt: instant,
      /**
       * The RCB the certification belonged to before this change, on the change that moved it to
       * another RCB (a completed transfer; rcbId is then the new one); null otherwise. Additive to v1:
       * absent in events recorded before it was carried, and ignored by consumers that do not read it.
       */
      previousRcbId: id.nullable().optional(),
    }),
  ),

  /** An accepting RCB asked for a certification's transfer; the issuing RCB may object until objectionDeadline. */
  CertificationTransferRequested: defineEvent('registry.transfer.requested', 1, certificationTransferStep),
  /** The issuing RCB objected to a transfer with a reason; scheme staff decide. */
  CertificationTransferObjected: defineEvent('registry.transfer.objected', 1, certificationTransferStep),
  /** Scheme staff decided an objection: status REFUSED (upheld) or COMPLETED (overruled). */
  CertificationTransferObjectionDecided: defineEvent(
    'registry.transfer.objection-decided',
    1,
    certificationTransferStep,
  ),
  /** The certification moved to the accepting RCB (acknowledged, window ended, or objection overruled). */
  CertificationTransferCompleted: defineEvent('registry.transfer.completed', 1, certificationTransferStep),
  /** A transfer closed without moving the certification (e.g. suspended by the issuing RCB with a recorded reason). */
  CertificationTransferCancelled: defineEvent('registry.transfer.cancelled', 1, certificationTransferStep),

  /**
   * The registry's rule engine raised a flag on a certification (e.g. SURVEILLANCE_OVERDUE,
   * SUSPENSION_ENDING, TRANSFER_DEADLINE), published once per flag by the daily job.
   */
  CertificationFlagRaised: defineEvent(
    'registry.certification.flag-raised',
    1,
    z.object({
      certificationId: id,
      rcbId: id,
      certificateNumber: z.string().trim().min(1).max(100),
      /** The rule, e.g. SURVEILLANCE_OVERDUE. */
      rule: z.string().trim().min(1).max(64),
      /** The limit the rule checks (the date missed, or the date coming). */
      dueOn: calendarDate,
      /** The date the rules were evaluated against. */
      asOf: calendarDate,
      /** What the rule says and what clears the flag. */
      explanation: z.string().trim().min(1).max(2000),
    }),
  ),

  /**
   * A webhook endpoint was turned off after persistent failure (or its relying party's key was
   * revoked); its owner sees why through the API and resumes it when it works again.
   */
  WebhookEndpointDisabled: defineEvent(
    'notifications.webhook-endpoint.disabled',
    1,
    z.object({
      endpointId: id,
      /** SCHEME, RCB, ATO or RELYING_PARTY. */
      ownerKind: z.enum(['SCHEME', 'RCB', 'ATO', 'RELYING_PARTY']),
      /** The RCB, ATO or relying party; null for scheme staff's endpoints. */
      ownerId: id.nullable(),
      reason,
      disabledAt: instant,
    }),
  ),

  /**
   * Scheme staff issued a relying party its API key (`ApiKey rpk_...`); only the hash of its secret
   * travels. Every process's credential store follows it, like an RCB credential.
   */
  RelyingPartyKeyIssued: defineEvent(
    'notifications.relying-party.key-issued',
    1,
    z.object({
      relyingPartyId: id,
      /** sha256 hex of the secret (the verifier compares hashes, never secrets). */
      secretHash: z.string().regex(/^[0-9a-fA-F]{64}$/, 'expected the sha256 hex of the secret'),
      name: z.string().trim().min(1).max(300),
      issuedAt: instant,
    }),
  ),

  /** A relying party's API key was revoked: every verifier must refuse it within seconds. */
  RelyingPartyKeyRevoked: defineEvent(
    'notifications.relying-party.key-revoked',
    1,
    z.object({ relyingPartyId: id, revokedAt: instant }),
  ),
} as const;

/** Every event definition of the catalogue. */
export const allEvents: readonly EventDefinition<unknown>[] = Object.values(Events);
