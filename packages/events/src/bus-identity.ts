import { SUBGRAPH_SERVICES, streamOf, type SubgraphServiceName } from '@iso20000/topology';
import { inboxPrefixOf } from './nats-auth';
import { deadLetterStreamName, normalizeNamespace, wireSubject, type Producer } from './streams';

/**
 * Who may say what on the event bus. Every process connects as its own NATS user; the server lets
 * it publish only its own subjects, so a hand-made `exam.sitting.released` from anyone but the exam
 * service is a permission violation and never reaches the EXAM stream. `operator` is no process: it
 * is the identity of the operator tools (dead-letter replay, republishing outboxes, rewinding
 * consumers), which re-publish what a service already published; only operators hold it.
 */
export const BUS_IDENTITIES = [...SUBGRAPH_SERVICES, 'gateway', 'operator'] as const;
export type BusIdentity = (typeof BUS_IDENTITIES)[number];

/**
 * The streams each process reads. Every process follows accreditation's credential events and
 * notifications' relying-party keys (API keys); the others are the services' EventConsumers, and the gateway's subscription feeds (ordered
 * and ephemeral consumers, no durables). A consumer added on another stream needs its
 * stream here, or the server refuses to create it.
 */
export const CONSUMED_STREAMS: Readonly<Record<BusIdentity, readonly Producer[]>> = {
  // every process also follows notifications' relying-party keys (the credential store)
  exam: ['accreditation', 'certificate', 'notifications'],
  accreditation: ['accreditation', 'certificate', 'notifications'],
  certificate: ['accreditation', 'exam', 'notifications'],
  registry: ['accreditation', 'notifications'],
  // the credential store, and GraphQL subscriptions served from every producer's stream
  gateway: ['accreditation', 'exam', 'certificate', 'registry', 'notifications'],
  // webhooks: every producer's events (credentials only for its own API keys), fanned out to endpoints
  notifications: ['accreditation', 'exam', 'certificate', 'registry', 'notifications'],
  // rewind-consumers deletes durable consumers on every stream; it reads none
  operator: [...SUBGRAPH_SERVICES],
};

/** Credential use is announced by every verifier and recorded by accreditation (core NATS). */
const CREDENTIAL_USED = 'accreditation.credential.used';
/** Accreditation's current credential set, asked by every verifier at start (request-reply). */
const CREDENTIAL_SNAPSHOT = 'query.accreditation.credentials';
/** Notifications' current relying-party keys, asked by every verifier at start (request-reply). */
const RELYING_PARTY_KEY_SNAPSHOT = 'query.notifications.relying-party-keys';

export interface SubjectPermissions {
  publish: { allow: string[] };
  subscribe: { allow: string[] };
  /** May answer a request on its reply subject (another process's inbox) without a publish grant there. */
  allow_responses?: boolean;
}

function isProducer(identity: BusIdentity): identity is SubgraphServiceName {
  return (SUBGRAPH_SERVICES as readonly string[]).includes(identity);
}

function namespacedStream(base: string, namespace?: string): string {
  const ns = normalizeNamespace(namespace);
  return ns ? `${ns.toUpperCase()}_${base}` : base;
}

/**
 * The least a process needs: publish its own events (and dead letters), manage the streams at start,
 * create and pull its consumers only on the streams it reads, ack them, and receive replies on its
 * own inbox. Deleting or purging streams and reading foreign streams are not granted.
 */
export function busPermissions(
  identity: BusIdentity,
  namespace?: string,
  user: string = identity,
): SubjectPermissions {
  const publish = [
    '$JS.API.INFO',
    wireSubject(CREDENTIAL_USED, namespace),
    // credential stores prove their copy current (the last credential event) and ask for the set
    `$JS.API.STREAM.MSG.GET.${namespacedStream(streamOf('accreditation'), namespace)}`,
    `$JS.API.STREAM.MSG.GET.${namespacedStream(streamOf('notifications'), namespace)}`,
    wireSubject(CREDENTIAL_SNAPSHOT, namespace),
    wireSubject(RELYING_PARTY_KEY_SNAPSHOT, namespace),
  ];
  const subscribe = [`${inboxPrefixOf(user)}.>`];
  if (isProducer(identity)) {
    publish.push(wireSubject(`${identity}.>`, namespace), wireSubject('dlq.>', namespace));
    // ensureStreams at start creates or updates every producer stream and the dead letters
    for (const producer of SUBGRAPH_SERVICES) {
      const stream = namespacedStream(streamOf(producer), namespace);
      publish.push(`$JS.API.STREAM.CREATE.${stream}`, `$JS.API.STREAM.UPDATE.${stream}`);
    }
    const deadLetters = deadLetterStreamName(namespace);
    publish.push(
      `$JS.API.STREAM.INFO.${deadLetters}`,
      `$JS.API.STREAM.CREATE.${deadLetters}`,
      `$JS.API.STREAM.UPDATE.${deadLetters}`,
    );
  }
  if (identity === 'accreditation')
    subscribe.push(wireSubject(CREDENTIAL_USED, namespace), wireSubject(CREDENTIAL_SNAPSHOT, namespace));
  if (identity === 'notifications') subscribe.push(wireSubject(RELYING_PARTY_KEY_SNAPSHOT, namespace));
  if (identity === 'operator') {
    // a replayed dead letter or a republished outbox row goes out on its producer's subject again
    for (const producer of SUBGRAPH_SERVICES) {
      publish.push(wireSubject(`${producer}.>`, namespace));
      const stream = namespacedStream(streamOf(producer), namespace);
      publish.push(`$JS.API.CONSUMER.LIST.${stream}`, `$JS.API.CONSUMER.NAMES.${stream}`);
    }
  }
  const infoOf = isProducer(identity) ? SUBGRAPH_SERVICES : CONSUMED_STREAMS[identity];
  for (const producer of infoOf) {
    publish.push(`$JS.API.STREAM.INFO.${namespacedStream(streamOf(producer), namespace)}`);
  }
  for (const producer of CONSUMED_STREAMS[identity]) {
    const stream = namespacedStream(streamOf(producer), namespace);
    if (identity === 'operator') {
      // it finds and deletes consumers; it never creates one or reads a message
      publish.push(`$JS.API.CONSUMER.INFO.${stream}.>`, `$JS.API.CONSUMER.DELETE.${stream}.>`);
      continue;
    }
    publish.push(
      `$JS.API.CONSUMER.CREATE.${stream}`,
      `$JS.API.CONSUMER.CREATE.${stream}.>`,
      `$JS.API.CONSUMER.DURABLE.CREATE.${stream}.>`,
      `$JS.API.CONSUMER.INFO.${stream}.>`,
      `$JS.API.CONSUMER.DELETE.${stream}.>`,
      `$JS.API.CONSUMER.MSG.NEXT.${stream}.>`,
      `$JS.ACK.${stream}.>`,
    );
  }
  return {
    publish: { allow: publish },
    subscribe: { allow: subscribe },
    ...(identity === 'accreditation' || identity === 'notifications' ? { allow_responses: true } : {}),
  };
}

export interface BusUser {
  identity: BusIdentity;
  user: string;
  password: string;
}

export interface BusServerConfigOptions {
  users: readonly BusUser[];
  namespace?: string;
  port?: number;
  host?: string;
  storeDir?: string;
  /** The monitoring port (health checks: /healthz). */
  httpPort?: number;
  /** Server TLS: clients must then connect with tls:// and trust the CA. */
  tls?: { certFile: string; keyFile: string; caFile?: string };
}

/**
 * The `authorization` block (and, when given, listen address, JetStream store and TLS) of a
 * nats-server configuration. JSON is valid NATS configuration syntax, so the result is written as is.
 */
export function busServerConfig(options: BusServerConfigOptions): string {
  const config: Record<string, unknown> = {};
  if (options.host !== undefined) config.host = options.host;
  if (options.port !== undefined) config.port = options.port;
  if (options.httpPort !== undefined) config.http_port = options.httpPort;
  if (options.storeDir !== undefined) config.jetstream = { store_dir: options.storeDir };
  if (options.tls) {
    config.tls = {
      cert_file: options.tls.certFile,
      key_file: options.tls.keyFile,
      ...(options.tls.caFile ? { ca_file: options.tls.caFile } : {}),
    };
  }
  config.authorization = {
    users: options.users.map((u) => ({
      user: u.user,
      password: u.password,
      permissions: busPermissions(u.identity, options.namespace, u.user),
    })),
  };
  return `${JSON.stringify(config, null, 2)}\n`;
}

/** The server's environment variable holding an identity's password: `exam` -> NATS_PASSWORD_EXAM. */
export function passwordVariableOf(identity: BusIdentity): string {
  return `NATS_PASSWORD_${identity.toUpperCase()}`;
}

/**
 * An `authorization` block for a nats-server configuration kept in the open (a ConfigMap): the
 * users and their grants are written out, each password is a reference to the server's environment
 * (`$NATS_PASSWORD_EXAM`, filled from a Secret), which nats-server resolves when it loads the file.
 */
export function busAuthorizationConf(namespace?: string): string {
  const users = BUS_IDENTITIES.map((identity) => ({
    user: identity,
    password: `$${passwordVariableOf(identity)}`,
    permissions: busPermissions(identity, namespace),
  }));
  const block = JSON.stringify({ users }, null, 2).replace(/"password": "\$([A-Z_]+)"/g, '"password": $$$1');
  return (
    '# Generated from @iso20000/events busPermissions (busAuthorizationConf); a test keeps it in step.\n' +
    `authorization: ${block}\n`
  );
}
