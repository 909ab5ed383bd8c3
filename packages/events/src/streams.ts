import {
  connect,
  DiscardPolicy,
  nanos,
  RetentionPolicy,
  StorageType,
  type ConnectionOptions,
  type JetStreamManager,
  type NatsConnection,
  type StreamConfig,
} from 'nats';
import { SUBGRAPH_SERVICES, streamOf, type SubgraphServiceName } from '@iso20000/topology';
import { natsAuthOptionsFrom } from './nats-auth';
import { eventSettingsFrom, type EventSettings } from './settings';

/** The services that publish events; each owns one stream named after it. */
export const PRODUCERS = SUBGRAPH_SERVICES;
export type Producer = SubgraphServiceName;

const DEAD_LETTER_TOKEN = 'dlq';
const DEAD_LETTER_STREAM = 'DEAD_LETTER';

/** JetStream drops a second message with the same Nats-Msg-Id inside this window. */
export const DUPLICATE_WINDOW_MS = 2 * 60 * 1000;

const NAMESPACE_PATTERN = /^[A-Za-z0-9][A-Za-z0-9_-]{0,63}$/;

/**
 * Checks a namespace and returns it normalized (`undefined` for none). A namespace is one subject
 * token, and must not be a producer or `dlq`: `exam.exam.>` would overlap the un-namespaced `exam.>`.
 */
export function normalizeNamespace(namespace: string | undefined | null): string | undefined {
  if (namespace === undefined || namespace === null || namespace === '') return undefined;
  if (!NAMESPACE_PATTERN.test(namespace)) {
    throw new Error(
      `events namespace "${namespace}" must be letters, digits, '_' or '-' (one subject token)`,
    );
  }
  const lower = namespace.toLowerCase();
  if ((PRODUCERS as readonly string[]).includes(lower) || lower === DEAD_LETTER_TOKEN) {
    throw new Error(`events namespace "${namespace}" collides with a stream subject`);
  }
  return namespace;
}

/** The subject on the wire: `${namespace}.${subject}` when a namespace is given. */
export function wireSubject(subject: string, namespace?: string): string {
  const ns = normalizeNamespace(namespace);
  return ns ? `${ns}.${subject}` : subject;
}

/** The dead-letter subject of a consumer: `dlq.<durableName>`, namespaced like every subject. */
export function deadLetterSubject(durableName: string, namespace?: string): string {
  return wireSubject(`${DEAD_LETTER_TOKEN}.${durableName}`, namespace);
}

function streamName(base: string, namespace?: string): string {
  const ns = normalizeNamespace(namespace);
  return ns ? `${ns.toUpperCase()}_${base}` : base;
}

/** The stream that holds a logical subject, from its first token (`exam.sitting.released` -> EXAM). */
export function streamNameFor(subject: string, namespace?: string): string {
  const producer = subject.split('.')[0];
  if (!(PRODUCERS as readonly string[]).includes(producer)) {
    throw new Error(`subject "${subject}" does not belong to a producer stream (${PRODUCERS.join(', ')})`);
  }
  return streamName(streamOf(producer as Producer), namespace);
}

export function deadLetterStreamName(namespace?: string): string {
  return streamName(DEAD_LETTER_STREAM, namespace);
}

const DAY_MS = 24 * 60 * 60 * 1000;

/**
 * The stream configurations for a namespace: one per producer plus the dead letters. Every stream is
 * bounded by age (and by size when configured); the dead letters are kept longer than the events, so
 * that an operator still finds what failed long after the stream has dropped the original.
 */
export function streamConfigs(
  namespace?: string,
  replicas?: number,
  settings: EventSettings = eventSettingsFrom(),
): Partial<StreamConfig>[] {
  const common: Partial<StreamConfig> = {
    storage: StorageType.File,
    retention: RetentionPolicy.Limits,
    discard: DiscardPolicy.Old,
    duplicate_window: nanos(DUPLICATE_WINDOW_MS),
    num_replicas: replicas ?? settings.streamReplicas,
  };
  return [
    ...PRODUCERS.map((producer) => ({
      ...common,
      name: streamName(streamOf(producer), namespace),
      subjects: [wireSubject(`${producer}.>`, namespace)],
      description: `Events published by the ${producer} service`,
      max_age: nanos(settings.streamMaxAgeDays * DAY_MS),
      max_bytes: settings.streamMaxBytes,
    })),
    {
      ...common,
      name: deadLetterStreamName(namespace),
      subjects: [wireSubject(`${DEAD_LETTER_TOKEN}.>`, namespace)],
      description: 'Events that a consumer could not process, with the error',
      max_age: nanos(settings.deadLetterMaxAgeDays * DAY_MS),
      max_bytes: settings.deadLetterMaxBytes,
    },
  ];
}

/**
 * Connects to NATS and keeps reconnecting forever: a NATS outage must delay events, not stop the
 * service. `url` may list several servers separated by commas. Credentials and TLS come from the
 * environment (natsAuthOptionsFrom) unless `options` names them.
 */
export async function connectNats(
  url: string,
  name: string,
  options: ConnectionOptions = {},
): Promise<NatsConnection> {
  return connect({
    servers: url.split(',').map((s) => s.trim()),
    name,
    maxReconnectAttempts: -1,
    reconnectTimeWait: 500,
    ...natsAuthOptionsFrom(),
    ...options,
  });
}

/** The JetStream API error code of a failed management call, if it is one. */
export function apiErrorCode(err: unknown): number | undefined {
  if (typeof err === 'object' && err !== null && 'api_error' in err) {
    const apiError = (err as { api_error?: { err_code?: number } }).api_error;
    return apiError?.err_code;
  }
  return undefined;
}

const STREAM_NOT_FOUND = 10059;
const STREAM_NAME_IN_USE = 10058;

async function addOrUpdateStream(jsm: JetStreamManager, config: Partial<StreamConfig>): Promise<void> {
  const name = config.name as string;
  try {
    await jsm.streams.info(name);
  } catch (err) {
    if (apiErrorCode(err) !== STREAM_NOT_FOUND) throw err;
    try {
      await jsm.streams.add(config);
      return;
    } catch (addErr) {
      // another service created it in between: fall through to update
      if (apiErrorCode(addErr) !== STREAM_NAME_IN_USE) throw addErr;
    }
  }
  await jsm.streams.update(name, config);
}

/**
 * Creates (or brings up to date) the producer streams and the dead-letter stream. Idempotent:
 * every service calls it at start, so a changed retention limit applies at the next start. Waits (up
 * to a minute) for a JetStream cluster that is still electing its leaders.
 * Replicas and limits from the environment (STREAM_REPLICAS, STREAM_MAX_*, DEAD_LETTER_MAX_*) unless given.
 */
export async function ensureStreams(
  nc: NatsConnection,
  namespace?: string,
  replicas?: number,
  settings?: EventSettings,
): Promise<void> {
  const jsm = await untilJetStreamAnswers(() => nc.jetstreamManager());
  for (const config of streamConfigs(namespace, replicas, settings)) {
    await untilJetStreamAnswers(() => addOrUpdateStream(jsm, config));
  }
}

/** How long a starting service waits for a JetStream cluster to answer (electing its leaders). */
const JETSTREAM_WAIT_MS = 60_000;

/**
 * A JetStream cluster that has just started, or just lost a node, answers management calls only once
 * it has elected a leader: until then they time out or find no responders. A service starting in that
 * window waits for it instead of failing its start; so do its consumers, created (and bound) after
 * the streams, when a replicated stream is still electing its own leader.
 */
export async function untilJetStreamAnswers<T>(
  call: () => Promise<T>,
  waitMs = JETSTREAM_WAIT_MS,
): Promise<T> {
  const deadline = Date.now() + waitMs;
  for (let attempt = 1; ; attempt++) {
    try {
      return await call();
    } catch (err) {
      const code = (err as { code?: unknown }).code;
      const transient = code === 'TIMEOUT' || code === '503' || apiErrorCode(err) === JETSTREAM_NOT_READY;
      if (!transient || Date.now() > deadline) throw err;
      await new Promise((resolve) => setTimeout(resolve, Math.min(2_000, 200 * attempt)));
    }
  }
}

/** "JetStream system temporarily unavailable": a cluster without a meta leader yet. */
const JETSTREAM_NOT_READY = 10008;

/** Deletes a namespace's streams (and so their consumers); tests call it when they are done. */
export async function removeStreams(nc: NatsConnection, namespace: string): Promise<void> {
  const ns = normalizeNamespace(namespace);
  if (!ns) throw new Error('removeStreams needs a namespace: the un-namespaced streams are production data');
  const jsm = await nc.jetstreamManager();
  for (const config of streamConfigs(ns)) {
    try {
      await jsm.streams.delete(config.name as string);
    } catch (err) {
      if (apiErrorCode(err) !== STREAM_NOT_FOUND) throw err;
    }
  }
}
