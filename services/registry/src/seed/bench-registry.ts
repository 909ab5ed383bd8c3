import 'reflect-metadata';
import { randomUUID } from 'node:crypto';
import { parseArgs } from 'node:util';
import { PUBLIC_VIEWER, type Viewer } from '@iso20000/auth';
import { connectNats, ensureStreams, removeStreams } from '@iso20000/events';
import { RCB_ACTIVE_STATUS } from '@iso20000/scheme';
import { createLogger, loadConfig, openDataSource } from '@iso20000/service-kit';
import { entities, migrations } from '../data-source';
import { addDays, todayUtc } from '../domain/calendar-date';
import { registryServiceConfig } from '../config';
import { buildService } from '../server';
import { randomGenerator } from '@iso20000/seed-kit';
import { fakeOrganization, fakeScope, withTypo } from './registry-fixtures';

/**
 * Measures the registry subgraph in process (no HTTP, no gateway): public verification and search
 * latency at a given concurrency, and bulk import throughput in calls of 1,000. Run it against a
 * database filled by generate-registry.ts:
 *
 *   node -r @swc-node/register services/registry/src/seed/bench-registry.ts \
 *     --database-url postgres://postgres@127.0.0.1:5432/iso20000_registry_bench --concurrency 4 --seconds 10
 *
 * The gateway benchmark (tools/bench) measures the same operations end to end.
 */

const { values } = parseArgs({
  options: {
    'database-url': {
      type: 'string',
      default: process.env.DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/iso20000_registry',
    },
    'nats-url': { type: 'string', default: process.env.NATS_URL ?? 'nats://127.0.0.1:4222' },
    concurrency: { type: 'string', default: '4' },
    seconds: { type: 'string', default: '10' },
    'import-records': { type: 'string', default: '20000' },
    only: { type: 'string' },
  },
});

const VERIFY = `query Verify($n: String!) { verifyOrganizationCertification(certificateNumber: $n) {
  valid status organizationName country rcbName rcbStatus cycleStart expiry } }`;
const SEARCH = `query Search($filter: CertifiedOrganizationFilter, $first: Int) {
  certifiedOrganizations(filter: $filter, first: $first) {
    edges { node { id legalName country certifications { certificateNumber status cycleStart expiry rcbName } } }
    pageInfo { hasNextPage endCursor } } }`;
const UPSERT = `mutation Import($input: [UpsertCertificationInput!]!) {
  upsertCertifications(input: $input) { created updated unchanged rejected } }`;

interface Stats {
  requests: number;
  errors: number;
  perSecond: number;
  p50: number;
  p95: number;
  p99: number;
}

function percentile(sorted: number[], p: number): number {
  if (sorted.length === 0) return 0;
  return sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))];
}

async function main(): Promise<void> {
  const logger = createLogger('registry-bench', process.env.LOG_LEVEL ?? 'warn');
  const dataSource = await openDataSource({
    url: values['database-url'] as string,
    entities,
    migrations,
    logger,
    poolSize: 20,
  });
  const nc = await connectNats(values['nats-url'] as string, 'registry-bench');
  const namespace = `regbench${Date.now().toString(36)}`;
  await ensureStreams(nc, namespace);
  const config = loadConfig(registryServiceConfig, {
    NODE_ENV: 'production',
    PORT: '0',
    DATABASE_URL: values['database-url'],
    EVENTS_NAMESPACE: namespace,
    AUTH_JWKS_URL: 'http://127.0.0.1:1/unused',
    REGISTRY_EXPIRY_INTERVAL_MS: '3600000',
    LOG_LEVEL: 'warn',
  });
  // identities are given in process, as the gateway would forward them
  const service = await buildService({
    dataSource,
    nc,
    namespace,
    logger,
    config,
    authenticator: { authenticate: async () => PUBLIC_VIEWER },
  });
  await service.start();
  const run = async (viewer: Viewer, query: string, variables: Record<string, unknown>) => {
    const response = await service.apollo.executeOperation(
      { query, variables },
      { contextValue: service.contextFor({ requestId: randomUUID(), viewer, logger }) },
    );
    if (response.body.kind !== 'single') throw new Error('unexpected incremental response');
    return response.body.singleResult;
  };

  const concurrency = Number(values.concurrency);
  const seconds = Number(values.seconds);
  const only = values.only?.split(',');
  const results: Record<string, unknown> = {};
  try {
    const numbers = (
      (await dataSource.query(
        `SELECT certificate_number FROM organization_certification TABLESAMPLE SYSTEM (5) LIMIT 2000`,
      )) as { certificate_number: string }[]
    ).map((r) => r.certificate_number);
    const names = (await dataSource.query(
      `SELECT legal_name, country FROM certified_organization TABLESAMPLE SYSTEM (5) WHERE public_listing LIMIT 2000`,
    )) as { legal_name: string; country: string }[];
    const random = randomGenerator(7);

    const load = async (
      name: string,
      request: () => Promise<{ errors?: readonly unknown[] }>,
    ): Promise<Stats> => {
      const latencies: number[] = [];
      let errors = 0;
      for (let i = 0; i < 20; i++) await request(); // warm-up: plans, caches, pool
      const deadline = Date.now() + seconds * 1000;
      await Promise.all(
        Array.from({ length: concurrency }, async () => {
          while (Date.now() < deadline) {
            const started = process.hrtime.bigint();
            const result = await request();
            latencies.push(Number(process.hrtime.bigint() - started) / 1e6);
            if (result.errors?.length) errors++;
          }
        }),
      );
      latencies.sort((a, b) => a - b);
      const stats = {
        requests: latencies.length,
        errors,
        perSecond: Math.round(latencies.length / seconds),
        p50: +percentile(latencies, 50).toFixed(2),
        p95: +percentile(latencies, 95).toFixed(2),
        p99: +percentile(latencies, 99).toFixed(2),
      };
      process.stdout.write(`${name} (concurrency ${concurrency}, ${seconds} s): ${JSON.stringify(stats)}\n`);
      return stats;
    };

    if (!only || only.includes('verify')) {
      results.verify = await load('verify', () =>
        run(PUBLIC_VIEWER, VERIFY, { n: numbers[Math.floor(random() * numbers.length)] }),
      );
    }
    if (!only || only.includes('search')) {
      results.search = await load('search', () => {
        const entry = names[Math.floor(random() * names.length)];
        const words = entry.legal_name.split(' ').slice(0, 2).join(' ');
        // as people type: lower case, without accents now and then, a typo now and then
        const typed =
          random() < 0.3
            ? withTypo(random, words)
            : random() < 0.5
              ? words.toLowerCase()
              : words.normalize('NFKD').replace(/\p{M}/gu, '');
        const filter: Record<string, unknown> = { name: typed };
        if (random() < 0.3) filter.country = entry.country;
        return run(PUBLIC_VIEWER, SEARCH, { filter, first: 20 });
      });
      results.browse = await load('browse by country', () =>
        run(PUBLIC_VIEWER, SEARCH, {
          filter: { country: names[Math.floor(random() * names.length)].country, status: 'CERTIFIED' },
          first: 20,
        }),
      );
    }
    if (!only || only.includes('import')) {
      const total = Number(values['import-records']);
      const rcbId = randomUUID();
      await dataSource.query(
        `INSERT INTO rcb (id, name, status, status_reason, status_changed_at) VALUES ($1, 'Bench Import RCB', $2, NULL, now())`,
        [rcbId, RCB_ACTIVE_STATUS],
      );
      const viewer: Viewer = {
        role: 'rcb_integration',
        subject: 'credential:bench',
        rcbId,
        credentialId: randomUUID(),
      };
      const today = todayUtc();
      const started = Date.now();
      let created = 0;
      for (let start = 0; start < total; start += 1000) {
        const input = Array.from({ length: Math.min(1000, total - start) }, (_, k) => {
          const org = fakeOrganization(random, start + k);
          return {
            certificateNumber: `BENCH-${start + k}`,
            organization: {
              legalName: org.legalName,
              otherNames: org.otherNames,
              country: org.country,
              address: { lines: ['1 Bench Road'], city: org.city, postalCode: null, country: org.country },
              publicListing: org.publicListing,
            },
            scope: fakeScope(random),
            sites: [],
            cycleStart: addDays(today, -Math.floor(random() * 900)),
          };
        });
        const result = await run(viewer, UPSERT, { input });
        if (result.errors?.length) throw new Error(JSON.stringify(result.errors));
        created += (result.data as { upsertCertifications: { created: number } }).upsertCertifications
          .created;
      }
      const secondsTaken = (Date.now() - started) / 1000;
      results.import = {
        records: total,
        created,
        seconds: +secondsTaken.toFixed(1),
        perSecond: Math.round(total / secondsTaken),
      };
      process.stdout.write(`bulk import: ${JSON.stringify(results.import)}\n`);
      // leave the benchmark database as it was
      await dataSource.query(`DELETE FROM certification_history WHERE rcb_id = $1`, [rcbId]);
      await dataSource.query(
        `WITH gone AS (DELETE FROM organization_certification WHERE rcb_id = $1 RETURNING organization_id)
         DELETE FROM certified_organization o USING gone WHERE o.id = gone.organization_id`,
        [rcbId],
      );
      await dataSource.query(`DELETE FROM rcb WHERE id = $1`, [rcbId]);
      await dataSource.query(`DELETE FROM outbox_event`);
    }
  } finally {
    await service.stop();
    await removeStreams(nc, namespace).catch(() => undefined);
    await nc.drain();
    await dataSource.destroy();
  }
}

main().catch((err: unknown) => {
  process.stderr.write(`${err instanceof Error ? (err.stack ?? err.message) : String(err)}\n`);
  process.exit(1);
});
