import { ensureInfrastructure, type Infrastructure } from './infrastructure';

// Jest's global setup for every project (jest.preset.js): `npx nx test <project>` and a bare
// `npx jest` find PostgreSQL and NATS by the same rules as `npm test` (which has already found them
// and says so through TEST_DATABASE_URL and TEST_NATS_URL, so nothing happens twice).

const key = Symbol.for('iso20000.testInfrastructure');
type WithInfrastructure = typeof globalThis & { [key]?: Infrastructure };

export default async function findTestInfrastructure(): Promise<void> {
  if (process.env.TEST_DATABASE_URL && process.env.TEST_NATS_URL) return;
  const infrastructure = await ensureInfrastructure((message) => process.stderr.write(`[test] ${message}\n`));
  process.env.TEST_DATABASE_URL = infrastructure.databaseUrl;
  process.env.TEST_NATS_URL = infrastructure.natsUrl;
  (globalThis as WithInfrastructure)[key] = infrastructure;
}

/** Stops what the setup started (an embedded PostgreSQL, a nats-server); nothing when it found them running. */
export async function stopTestInfrastructure(): Promise<void> {
  const holder = globalThis as WithInfrastructure;
  await holder[key]?.stop();
  delete holder[key];
}
