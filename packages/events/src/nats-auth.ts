import { readFileSync } from 'node:fs';
import type { ConnectionOptions } from 'nats';

/** Reply subjects are private per identity: a shared `_INBOX.>` would let one process read another's deliveries. */
export function inboxPrefixOf(user: string): string {
  return `_INBOX_${user}`;
}

function variable(env: NodeJS.ProcessEnv, name: string): string | undefined {
  const value = env[name];
  return value === undefined || value === '' ? undefined : value;
}

/**
 * NATS credentials and TLS from the environment: NATS_USER and NATS_PASSWORD (both or neither;
 * NATS_PASSWORD_FILE instead of NATS_PASSWORD reads it from a file, e.g. a mounted secret),
 * NATS_TLS_CA_FILE (trust a private CA), NATS_TLS_CERT_FILE and NATS_TLS_KEY_FILE (a client
 * certificate, both or neither). Without credentials the connection is anonymous, which only a
 * development server accepts; in production (NODE_ENV=production) credentials are required.
 */
export function natsAuthOptionsFrom(env: NodeJS.ProcessEnv = process.env): ConnectionOptions {
  const user = variable(env, 'NATS_USER');
  const passwordFile = variable(env, 'NATS_PASSWORD_FILE');
  if (passwordFile !== undefined && variable(env, 'NATS_PASSWORD') !== undefined) {
    throw new Error('NATS_PASSWORD and NATS_PASSWORD_FILE are exclusive');
  }
  const pass =
    passwordFile !== undefined ? readFileSync(passwordFile, 'utf8').trim() : variable(env, 'NATS_PASSWORD');
  if ((user === undefined) !== (pass === undefined)) {
    throw new Error('NATS_USER and NATS_PASSWORD are set together or not at all');
  }
  if (user === undefined && env.NODE_ENV === 'production') {
    throw new Error('NATS_USER and NATS_PASSWORD are required in production: the event bus is not open');
  }
  const options: ConnectionOptions = {};
  if (user !== undefined) {
    options.user = user;
    options.pass = pass;
    options.inboxPrefix = inboxPrefixOf(user);
  }
  const caFile = variable(env, 'NATS_TLS_CA_FILE');
  const certFile = variable(env, 'NATS_TLS_CERT_FILE');
  const keyFile = variable(env, 'NATS_TLS_KEY_FILE');
  if ((certFile === undefined) !== (keyFile === undefined)) {
    throw new Error('NATS_TLS_CERT_FILE and NATS_TLS_KEY_FILE are set together or not at all');
  }
  if (caFile || certFile) {
    options.tls = { ...(caFile ? { caFile } : {}), ...(certFile ? { certFile, keyFile } : {}) };
  }
  return options;
}
