// The public surface of @iso20000/events: import only from here.
export {
  defineEvent,
  Events,
  allEvents,
  parseEventPayload,
  parseEventEnvelope,
  InvalidEventError,
  ExamCode,
  AtoStatus,
  RcbStatus,
  CertificateDeliveryFormat,
  CertificateRecipient,
  PostalAddress,
  type EventDefinition,
  type EventEnvelope,
  type PayloadOf,
} from './catalogue';
export {
  connectNats,
  ensureStreams,
  removeStreams,
  wireSubject,
  deadLetterSubject,
  streamNameFor,
  deadLetterStreamName,
  DUPLICATE_WINDOW_MS,
} from './streams';
export {
  recordEvent,
  recordEvents,
  OutboxRelay,
  type RecordEventOptions,
  type OutboxRelayOptions,
  type Backoff,
} from './outbox';
export { ConsumerFreshness, ReplicaNotCurrentError, type ConsumerFreshnessOptions } from './freshness';
export {
  EventConsumer,
  type EventConsumerControl,
  type EventConsumerOptions,
  type EventHandlerContext,
} from './consumer';
export { eventSettingsFrom, type EventSettings } from './settings';
export {
  BUS_IDENTITIES,
  CONSUMED_STREAMS,
  busPermissions,
  busServerConfig,
  busAuthorizationConf,
  passwordVariableOf,
  type BusIdentity,
  type BusUser,
  type BusServerConfigOptions,
  type SubjectPermissions,
} from './bus-identity';
export { inboxPrefixOf, natsAuthOptionsFrom } from './nats-auth';
export { OutboxEvent } from './entities/outbox-event.entity';
export { InboxEvent } from './entities/inbox-event.entity';
export { DeadLetterEvent, type DeadLetterResolution } from './entities/dead-letter-event.entity';
export {
  listDeadLetters,
  findDeadLetter,
  replayDeadLetter,
  discardDeadLetter,
  DeadLetterRefused,
  type DeadLetterRecord,
  type DeadLetterFilter,
  type DeadLetterState,
  type ResolveDeadLetter,
} from './dead-letters';
export { rewindConsumers, republishOutbox } from './recovery';
export { pruneEvents, type PrunedEvents } from './retention';
export { ScheduledJobTick, type ScheduledJobTickState } from './entities/scheduled-job-tick.entity';
export { EventsTables1732500000000 } from './migrations/1732500000000-events-tables';
export { EventsTraceparent1764633600000 } from './migrations/1764633600000-events-traceparent';
export { DeadLetterResolution1764720000000 } from './migrations/1764720000000-dead-letter-resolution';
export { EventsRetentionAndJobTicks1764806400000 } from './migrations/1764806400000-events-retention-and-job-ticks';

import { DeadLetterEvent } from './entities/dead-letter-event.entity';
import { EventsTables1732500000000 } from './migrations/1732500000000-events-tables';
import { EventsTraceparent1764633600000 } from './migrations/1764633600000-events-traceparent';
import { DeadLetterResolution1764720000000 } from './migrations/1764720000000-dead-letter-resolution';
import { EventsRetentionAndJobTicks1764806400000 } from './migrations/1764806400000-events-retention-and-job-ticks';
import { ScheduledJobTick } from './entities/scheduled-job-tick.entity';
import { InboxEvent } from './entities/inbox-event.entity';
import { OutboxEvent } from './entities/outbox-event.entity';

/** Add to the service's entities (with eventsMigrations first among its migrations). */
export const eventsEntities = [OutboxEvent, InboxEvent, DeadLetterEvent, ScheduledJobTick];

/** The events tables' migrations, in order: spread first into the service's migrations. */
export const eventsMigrations = [
  EventsTables1732500000000,
  EventsTraceparent1764633600000,
  DeadLetterResolution1764720000000,
  EventsRetentionAndJobTicks1764806400000,
];
