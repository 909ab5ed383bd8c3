import { createHash } from 'node:crypto';

/**
 * What the services' seed generators share so their data agrees across databases: a repeatable
 * random source, and the scheme's seeded RCBs, whose ids and names are the same in accreditation
 * (where they are appointed) and in the registry (where they certify organizations).
 */

/** mulberry32: small, fast, repeatable; good enough for fixtures, never for secrets. */
export function randomGenerator(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

export function pick<T>(random: () => number, items: readonly T[]): T {
  return items[Math.floor(random() * items.length)];
}

/** A stable uuid per name (sha1, version 5 layout). */
export function stableUuid(name: string): string {
  const hex = createHash('sha1').update(name).digest('hex');
  const variant = ((parseInt(hex[16], 16) & 0x3) | 0x8).toString(16);
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-5${hex.slice(13, 16)}-${variant}${hex.slice(17, 20)}-${hex.slice(20, 32)}`;
}

/** The id of the index-th seeded RCB. */
export function seededRcbId(index: number): string {
  return stableUuid(`iso20000-rcb-${index}`);
}

const RCB_NAME_FIRST = [
  'Albion',
  'Rhein',
  'Lumière',
  'Iberia',
  'Nordic',
  'Alpine',
  'Danube',
  'Atlantic',
  'Baltic',
  'Meridian',
];
const RCB_NAME_KIND = ['Certification', 'Assurance', 'Registrar', 'Quality', 'Audit'];

/** The name of the index-th seeded RCB. */
export function seededRcbName(index: number): string {
  // 10 x 5 combinations, then the number moves on: every index has its own name.
  return `${RCB_NAME_FIRST[index % 10]} ${RCB_NAME_KIND[Math.floor(index / 10) % 5]} ${1 + Math.floor(index / 50)} Ltd`;
}

export type SeededRcbStatus = 'APPOINTED' | 'SUSPENDED' | 'WITHDRAWN';

/** A few seeded RCBs are suspended or withdrawn, as happens: their certifications stay visible. */
export function seededRcbStatus(index: number): SeededRcbStatus {
  return index % 100 === 98 ? 'SUSPENDED' : index % 100 === 99 ? 'WITHDRAWN' : 'APPOINTED';
}

const RCB_COUNTRIES = ['GB', 'DE', 'FR', 'ES', 'NL', 'JP', 'CN', 'US', 'BR', 'IN'];

/** The country of the index-th seeded RCB. */
export function seededRcbCountry(index: number): string {
  return RCB_COUNTRIES[index % RCB_COUNTRIES.length];
}

/** The part of a TypeORM DataSource that maintenance needs (seed-kit does not depend on TypeORM). */
export interface MaintenanceTarget {
  createQueryRunner(): {
    query(sql: string): Promise<unknown>;
    release(): Promise<void>;
  };
}

/**
 * Maintenance after a bulk load (ANALYZE, VACUUM), on one connection without the statement timeout
 * the services' pools set for requests: at 10x data ANALYZE outlasts it, after every row is in.
 * Each statement runs alone (VACUUM may not run inside a transaction).
 */
export async function runMaintenance(
  dataSource: MaintenanceTarget,
  statements: readonly string[],
): Promise<void> {
  const runner = dataSource.createQueryRunner();
  try {
    await runner.query('SET statement_timeout = 0');
    for (const statement of statements) await runner.query(statement);
    await runner.query('RESET statement_timeout');
  } finally {
    await runner.release();
  }
}
