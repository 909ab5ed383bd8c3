import { randomBytes } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { BUS_IDENTITIES, busServerConfig, type BusIdentity, type BusUser } from '@iso20000/events';

/** What each process connects to NATS as: NATS_USER and NATS_PASSWORD. */
export type BusCredentials = Readonly<Record<BusIdentity, { user: string; password: string }>>;

/**
 * One user per process, generated on first use and kept in `dir/users.json` (mode 0600, under the
 * git-ignored data folder), so restarts keep the same passwords.
 */
export function ensureBusCredentials(dir: string): BusCredentials {
  mkdirSync(dir, { recursive: true, mode: 0o700 });
  const file = join(dir, 'users.json');
  const stored: Partial<Record<BusIdentity, { user: string; password: string }>> = existsSync(file)
    ? (JSON.parse(readFileSync(file, 'utf8')) as Partial<
        Record<BusIdentity, { user: string; password: string }>
      >)
    : {};
  let changed = false;
  for (const identity of BUS_IDENTITIES) {
    if (stored[identity]?.user && stored[identity]?.password) continue;
    stored[identity] = { user: identity, password: randomBytes(24).toString('base64url') };
    changed = true;
  }
  if (changed) writeFileSync(file, `${JSON.stringify(stored, null, 2)}\n`, { mode: 0o600 });
  return stored as BusCredentials;
}

/** Writes `dir/nats.conf` for those users (listen address, JetStream store) and returns its path. */
export function writeBusServerConfig(
  dir: string,
  credentials: BusCredentials,
  options: { host: string; port: number; storeDir: string; httpPort?: number; namespace?: string },
): string {
  const users: BusUser[] = BUS_IDENTITIES.map((identity) => ({ identity, ...credentials[identity] }));
  const file = join(dir, 'nats.conf');
  writeFileSync(file, busServerConfig({ users, ...options }), { mode: 0o600 });
  return file;
}
