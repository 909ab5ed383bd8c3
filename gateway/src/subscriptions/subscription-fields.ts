import type { Viewer } from '@iso20000/auth';
import { Events, type EventEnvelope, type PayloadOf } from '@iso20000/events';
import {
  badUserInput,
  forbidden,
  isUuid,
  parseText,
  unauthenticated,
  type Logger,
} from '@iso20000/service-kit';
import type { SubgraphServiceName as Producer } from '@iso20000/topology';
import { decodeFeedCursor, encodeFeedCursor } from './cursor';
import type { EventFeed, FeedReader, FeedRoute, FeedSource } from './event-feed';
import { subscriptionPayloadsSent, subscriptionsEnded } from './metrics';

/** What one subscription reads and how each event becomes a payload for this subscriber (or not). */
export interface SubscriptionPlan {
  sources: FeedSource[];
  /** Whose events these are, so the stream tails hand this subscriber only those (select checks again). */
  route: FeedRoute;
  /** The payload of an event for this subscriber, without its cursor; null: not theirs. */
  select(envelope: EventEnvelope<unknown>): Payload | null;
}

type Payload = { __typename: string } & Record<string, unknown>;

export interface SubscriptionContext {
  viewer: Viewer;
  feed: EventFeed;
  logger: Logger;
  /** A CursorAdvanced at least this often while other subscribers' events move the streams. */
  progressMs: number;
}

const SOURCES = {
  sittings: { producer: 'exam', subject: 'exam.sitting.>' },
  certificates: { producer: 'certificate', subject: 'certificate.certificate.>' },
  certifications: { producer: 'registry', subject: 'registry.certification.>' },
  rcbStatus: { producer: 'accreditation', subject: Events.RcbStatusChanged.subject },
  atoStatus: { producer: 'accreditation', subject: Events.AtoStatusChanged.subject },
} as const satisfies Record<string, FeedSource>;

type Envelope = EventEnvelope<unknown>;

/** A payload field as a route key: ids lower-cased as the plans compare them. */
const field =
  (name: string, normalize: (value: string) => string = (v) => v.toLowerCase()) =>
  (envelope: Envelope): string | undefined => {
    const value = (envelope.payload as Record<string, unknown>)[name];
    return typeof value === 'string' ? normalize(value) : undefined;
  };
const routeBy = (kind: string, key: string, keyOf: FeedRoute['keyOf']): FeedRoute => ({ kind, key, keyOf });
const KEYS = {
  candidate: field('candidateId'),
  ato: field('atoId'),
  // a certification's change reaches the RCB holding it and, on a transfer, the one it left
  rcb: (envelope: Envelope): string | string[] | undefined => {
    const rcbId = field('rcbId')(envelope);
    const previousRcbId = field('previousRcbId')(envelope);
    if (rcbId === undefined || previousRcbId === undefined) return rcbId;
    return [rcbId, previousRcbId];
  },
  certificateNumber: field('number', (v) => certificateNumberKey(v)),
  registryNumber: field('certificateNumber', (v) => v),
};
const is = <T>(envelope: Envelope, def: { subject: string; version: number }): envelope is EventEnvelope<T> =>
  envelope.subject === def.subject && envelope.version === def.version;

/**
 * A change as its payload type shows it: the event's fields under their own names (or renamed).
 * The subscription schema decides what a subscriber sees, since graphql-js sends only the fields a
 * type declares: a field added to an event reaches nobody until it is added to that type.
 */
function change(envelope: Envelope, typename: string, fields: Record<string, unknown> = {}): Payload {
  return {
    ...(envelope.payload as Record<string, unknown>),
    ...fields,
    __typename: typename,
    eventId: envelope.id,
  };
}

/** The sitting and certificate events a candidate and its ATO follow, with their owners. */
const SITTING_AND_CERTIFICATE_CHANGES = [
  [Events.ExamSittingReleased, 'SittingResultReleased'],
  [Events.ExamSittingVoided, 'SittingVoided'],
  [Events.CertificateIssued, 'CertificateIssued'],
  [Events.CertificateRevoked, 'CertificateRevoked'],
] as const;

function sittingOrCertificate(
  e: Envelope,
): { candidateId: string; atoId: string | null | undefined; change: Payload } | null {
  for (const [def, typename] of SITTING_AND_CERTIFICATE_CHANGES) {
    if (!is<PayloadOf<typeof def>>(e, def)) continue;
    return { candidateId: e.payload.candidateId, atoId: e.payload.atoId, change: change(e, typename) };
  }
  return null;
}

/** A person's certificate number as verification reads it: case, spaces and dashes aside, O is 0, I and L are 1. */
export function certificateNumberKey(value: string): string {
  return value.toUpperCase().replace(/[\s-]/g, '').replace(/O/g, '0').replace(/[IL]/g, '1');
}

function parseNumber(value: unknown, field: string, max: number): string {
  if (typeof value !== 'string') throw badUserInput(`${field} must be a string`, { field });
  return parseText(value, { field, max });
}

function parseOptionalId(value: unknown, field: string): string | undefined {
  if (value === undefined || value === null) return undefined;
  if (typeof value !== 'string' || !isUuid(value)) throw badUserInput(`${field} must be a uuid`, { field });
  return value.toLowerCase();
}

/**
 * Whose feed a viewer may follow: its own (the id may be omitted, or must be its own), or, for scheme
 * staff, the one named. Everyone else is refused before anything is read.
 */
function ownerOf(
  viewer: Viewer,
  requested: string | undefined,
  role: Viewer['role'],
  own: string | undefined,
  field: string,
  what: string,
): string {
  if (viewer.role === 'public') throw unauthenticated('Sign in to do this');
  if (viewer.role === 'scheme_staff') {
    if (!requested) throw badUserInput(`name the ${what} (${field})`, { field });
    return requested;
  }
  if (viewer.role !== role || !own)
    throw forbidden(`Only the ${what} itself or scheme staff may follow this`);
  if (requested && requested !== own.toLowerCase())
    throw forbidden(`You may follow only your own ${what}'s changes`, { field });
  return own.toLowerCase();
}

type Args = Record<string, unknown>;

export const SUBSCRIPTION_PLANS: Record<string, (args: Args, viewer: Viewer) => SubscriptionPlan> = {
  certificateStatusChanged: (args) => {
    const key = certificateNumberKey(parseNumber(args.number, 'number', 64));
    return {
      sources: [SOURCES.certificates],
      route: routeBy('certificate-number', key, KEYS.certificateNumber),
      select: (e) => {
        if (is<PayloadOf<typeof Events.CertificateIssued>>(e, Events.CertificateIssued)) {
          if (certificateNumberKey(e.payload.number) !== key) return null;
          return {
            __typename: 'CertificateStatusChange',
            eventId: e.id,
            number: e.payload.number,
            status: 'ISSUED',
            changedAt: e.payload.issuedAt,
          };
        }
        if (is<PayloadOf<typeof Events.CertificateRevoked>>(e, Events.CertificateRevoked)) {
          if (certificateNumberKey(e.payload.number) !== key) return null;
          return {
            __typename: 'CertificateStatusChange',
            eventId: e.id,
            number: e.payload.number,
            status: 'REVOKED',
            changedAt: e.payload.revokedAt,
          };
        }
        return null;
      },
    };
  },

  organizationCertificationStatusChanged: (args) => {
    const number = parseNumber(args.certificateNumber, 'certificateNumber', 100);
    const rcbId = parseOptionalId(args.rcbId, 'rcbId');
    return {
      sources: [SOURCES.certifications],
      route: routeBy('registry-number', number, KEYS.registryNumber),
      select: (e) => {
        if (!is<PayloadOf<typeof Events.CertificationChanged>>(e, Events.CertificationChanged)) return null;
        if (e.payload.certificateNumber !== number) return null;
        if (rcbId && e.payload.rcbId.toLowerCase() !== rcbId) return null;
        const p = e.payload;
        return {
          __typename: 'OrganizationCertificationStatusChange',
          eventId: e.id,
          certificateNumber: p.certificateNumber,
          rcbId: p.rcbId,
          change: p.change,
          status: p.status,
          version: p.version,
          changedAt: p.changedAt,
        };
      },
    };
  },

  candidateChanged: (args, viewer) => {
    const requested = parseOptionalId(args.candidateId, 'candidateId');
    const candidateId = ownerOf(
      viewer,
      requested,
      'candidate',
      viewer.candidateId,
      'candidateId',
      'candidate',
    );
    const mine = (id: string) => id.toLowerCase() === candidateId;
    return {
      sources: [SOURCES.sittings, SOURCES.certificates],
      route: routeBy('candidate', candidateId, KEYS.candidate),
      select: (e) => {
        const owned = sittingOrCertificate(e);
        return owned && mine(owned.candidateId) ? owned.change : null;
      },
    };
  },

  rcbChanged: (args, viewer) => {
    const requested = parseOptionalId(args.rcbId, 'rcbId');
    const rcbId = ownerOf(viewer, requested, 'rcb_integration', viewer.rcbId, 'rcbId', 'RCB');
    const mine = (id: string) => id.toLowerCase() === rcbId;
    return {
      sources: [SOURCES.certifications, SOURCES.rcbStatus],
      route: routeBy('rcb', rcbId, KEYS.rcb),
      select: (e) => {
        if (is<PayloadOf<typeof Events.CertificationChanged>>(e, Events.CertificationChanged)) {
          const p = e.payload;
          if (mine(p.rcbId)) return change(e, 'OrganizationCertificationChanged');
          if (!p.previousRcbId || !mine(p.previousRcbId)) return null;
          // the RCB it was transferred away from learns that, and what anyone may know of it now
          return {
            __typename: 'OrganizationCertificationChanged',
            eventId: e.id,
            certificationId: p.certificationId,
            certificateNumber: p.certificateNumber,
            organizationId: p.organizationId,
            rcbId: p.rcbId,
            previousRcbId: p.previousRcbId,
            change: p.change,
            status: p.status,
            version: p.version,
            changedAt: p.changedAt,
          };
        }
        if (is<PayloadOf<typeof Events.RcbStatusChanged>>(e, Events.RcbStatusChanged)) {
          if (!mine(e.payload.rcbId)) return null;
          const p = e.payload;
          return change(e, 'RcbAppointmentChanged', {
            rcbStatus: p.status,
            previousRcbStatus: p.previousStatus,
            statusReason: p.reason,
          });
        }
        return null;
      },
    };
  },

  atoChanged: (args, viewer) => {
    const requested = parseOptionalId(args.atoId, 'atoId');
    const atoId = ownerOf(viewer, requested, 'ato_staff', viewer.atoId, 'atoId', 'ATO');
    // null or absent (events recorded before they named the ATO) is nobody's ATO: never shown
    const mine = (id: string | null | undefined) => typeof id === 'string' && id.toLowerCase() === atoId;
    return {
      sources: [SOURCES.atoStatus, SOURCES.sittings, SOURCES.certificates],
      route: routeBy('ato', atoId, KEYS.ato),
      select: (e) => {
        if (is<PayloadOf<typeof Events.AtoStatusChanged>>(e, Events.AtoStatusChanged)) {
          if (!mine(e.payload.atoId)) return null;
          const p = e.payload;
          return change(e, 'AtoAccreditationChanged', {
            atoStatus: p.status,
            previousAtoStatus: p.previousStatus,
            statusReason: p.reason,
          });
        }
        const owned = sittingOrCertificate(e);
        return owned && mine(owned.atoId) ? owned.change : null;
      },
    };
  },
};

/** Carries a failure through the payload stream, so graphql-js reports it on this subscription only. */
export interface FeedFailure {
  __failure: unknown;
}

/**
 * The subscribe function of a field: authorizes and checks the cursor before anything is sent (an
 * error then is the subscription's only answer), then streams the subscriber's payloads.
 */
export async function openSubscription(
  plan: SubscriptionPlan,
  after: unknown,
  context: SubscriptionContext,
): Promise<AsyncGenerator<Payload | FeedFailure>> {
  const producers = [...new Set(plan.sources.map((s) => s.producer))] as Producer[];
  if (after !== undefined && after !== null && typeof after !== 'string')
    throw badUserInput('after must be a cursor', { field: 'after' });
  const positions = typeof after === 'string' ? decodeFeedCursor(after, producers) : undefined;
  const reader = await context.feed.open(dedupeSources(plan.sources), positions, plan.route);
  const stream = payloads(reader, plan, context, positions === undefined);
  // An async generator queues return() behind a pending next(): closing the reader first ends that
  // wait at once, so an unsubscribe or a closed socket frees the subscription without delay.
  return {
    next: () => stream.next(),
    return: (value?: unknown) => {
      reader.close();
      return stream.return(value as undefined);
    },
    throw: (error?: unknown) => {
      reader.close();
      return stream.throw(error);
    },
    [Symbol.asyncIterator]() {
      return this;
    },
  } as AsyncGenerator<Payload | FeedFailure>;
}

/** Two sources on one stream (ATO status and sittings are different streams; kept general). */
function dedupeSources(sources: FeedSource[]): FeedSource[] {
  const seen = new Set<string>();
  return sources.filter((s) => {
    const key = `${s.producer} ${s.subject}`;
    if (seen.has(key)) return false;
    seen.add(key);
    return true;
  });
}

async function* payloads(
  reader: FeedReader,
  plan: SubscriptionPlan,
  context: SubscriptionContext,
  announceStart: boolean,
): AsyncGenerator<Payload | FeedFailure> {
  try {
    let sent = encodeFeedCursor(reader.current());
    let sentAt = Date.now();
    // Live from here: a client holding this cursor misses nothing even before its first change.
    if (announceStart) {
      subscriptionPayloadsSent.inc({ kind: 'cursor' });
      yield { __typename: 'CursorAdvanced', cursor: sent };
    }
    for (;;) {
      const next = await reader.next(Math.max(1, sentAt + context.progressMs - Date.now()));
      if (next === 'closed') return;
      // replayed to the end: the cursor moves past the others' changes at once, not at the next tick
      if (next === 'idle' || next === 'caught-up') {
        const cursor = encodeFeedCursor(reader.current());
        sentAt = Date.now();
        if (cursor !== sent) {
          sent = cursor;
          subscriptionPayloadsSent.inc({ kind: 'cursor' });
          yield { __typename: 'CursorAdvanced', cursor };
        }
        continue;
      }
      const payload = next.envelope ? plan.select(next.envelope) : null;
      if (!payload) {
        // others' changes streaming by without a pause still bring this subscriber's cursor forward
        if (Date.now() - sentAt >= context.progressMs) {
          sent = encodeFeedCursor(reader.current());
          sentAt = Date.now();
          subscriptionPayloadsSent.inc({ kind: 'cursor' });
          yield { __typename: 'CursorAdvanced', cursor: sent };
        }
        continue;
      }
      sent = encodeFeedCursor(reader.current());
      sentAt = Date.now();
      subscriptionPayloadsSent.inc({ kind: 'change' });
      yield { ...payload, cursor: sent };
    }
  } catch (error) {
    const code = (error as { extensions?: { code?: unknown } }).extensions?.code;
    subscriptionsEnded.inc({ code: typeof code === 'string' ? code : 'INTERNAL' });
    yield { __failure: error };
  } finally {
    reader.close();
  }
}
