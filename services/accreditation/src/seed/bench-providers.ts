/**
 * Times find-a-training-provider through the subgraph in process (executeOperation: parsing,
 * validation, resolvers and SQL, no HTTP) and shows PostgreSQL's plan time for the provider query.
 */
import { randomUUID } from 'node:crypto';
import { PUBLIC_VIEWER } from '@iso20000/auth';
import { createLogger, openDataSource, PostgresRateLimiter } from '@iso20000/service-kit';
import type { DataSource } from 'typeorm';
import { toolDatabaseUrl } from '../config';
import { entities, migrations } from '../data-source';
import { createLoaders } from '../loaders';
import { matchingCoursesQuery, providerQuery } from '../queries/find-training-providers';
import { createAccreditationSubgraph } from '../server';

export interface BenchmarkCase {
  name: string;
  filter: Record<string, unknown>;
}

export const PROVIDER_SEARCH_CASES: BenchmarkCase[] = [
  { name: 'no filter', filter: {} },
  { name: 'exam level', filter: { examCode: 'PRACTITIONER' } },
  { name: 'country', filter: { country: 'DE' } },
  {
    name: 'exam + country + language + mode',
    filter: { examCode: 'AUDITOR', country: 'JP', language: 'ja', deliveryMode: 'CLASSROOM' },
  },
  {
    name: 'rare combination',
    filter: { examCode: 'PRACTITIONER', country: 'MX', language: 'zh-Hant', deliveryMode: 'SELF_STUDY' },
  },
  { name: 'name search', filter: { search: 'summit' } },
  {
    name: 'name search + exam + country',
    filter: { search: 'academy', examCode: 'FOUNDATION', country: 'GB' },
  },
];

const QUERY = `
  query Find($filter: TrainingProviderFilter, $first: Int, $after: String) {
    trainingProviders(filter: $filter, first: $first, after: $after) {
      edges { cursor node { id name country examLevels languages } matchingCourses { id examCode language country deliveryMode startsOn endsOn examIncluded } }
      pageInfo { hasNextPage endCursor }
    }
  }`;

export interface BenchmarkRow {
  name: string;
  results: number;
  p50Ms: number;
  p95Ms: number;
  maxMs: number;
  secondPageP50Ms: number;
  /** PostgreSQL's own execution time (EXPLAIN ANALYZE, median of 5) for the provider and course statements. */
  providersSqlMs: number;
  coursesSqlMs: number;
}

async function explainMs(
  dataSource: DataSource,
  query: { getQueryAndParameters(): [string, unknown[]] },
): Promise<number> {
  const [sql, parameters] = query.getQueryAndParameters();
  const samples: number[] = [];
  for (let i = 0; i < 5; i++) {
    const [row] = await dataSource.query(`EXPLAIN (ANALYZE, FORMAT JSON) ${sql}`, parameters);
    const plan = (row['QUERY PLAN'] as { 'Execution Time': number; 'Planning Time': number }[])[0];
    samples.push(plan['Execution Time'] + plan['Planning Time']);
  }
  return samples.sort((a, b) => a - b)[2];
}

function percentile(sorted: number[], p: number): number {
  return sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))];
}

export async function benchmarkProviderSearch(
  dataSource: DataSource,
  options: { iterations?: number; first?: number } = {},
): Promise<BenchmarkRow[]> {
  const iterations = options.iterations ?? 200;
  const first = options.first ?? 20;
  const logger = createLogger('accreditation-bench', 'silent');
  const apollo = createAccreditationSubgraph(logger, true);
  await apollo.start();
  const applicationBudget = new PostgresRateLimiter(dataSource, {
    name: 'application',
    burst: 1,
    perMinute: 1,
  });
  const run = async (filter: Record<string, unknown>, after?: string | null) => {
    const response = await apollo.executeOperation(
      { query: QUERY, variables: { filter, first, after } },
      {
        contextValue: {
          requestId: randomUUID(),
          viewer: PUBLIC_VIEWER,
          logger,
          dataSource,
          loaders: createLoaders(dataSource),
          // the provider search spends no budget; the context has one as every request's does
          applicationBudget,
          rateLimitKey: 'bench',
        },
      },
    );
    if (response.body.kind !== 'single' || response.body.singleResult.errors) {
      throw new Error(
        `search failed: ${JSON.stringify(response.body.kind === 'single' ? response.body.singleResult.errors : 'incremental')}`,
      );
    }
    return response.body.singleResult.data as {
      trainingProviders: { edges: unknown[]; pageInfo: { endCursor: string | null } };
    };
  };
  const rows: BenchmarkRow[] = [];
  try {
    for (const benchCase of PROVIDER_SEARCH_CASES) {
      for (let i = 0; i < 10; i++) await run(benchCase.filter); // warm-up: plan cache, pool, JIT
      const timings: number[] = [];
      let results = 0;
      let endCursor: string | null = null;
      for (let i = 0; i < iterations; i++) {
        const started = process.hrtime.bigint();
        const data = await run(benchCase.filter);
        timings.push(Number(process.hrtime.bigint() - started) / 1e6);
        results = data.trainingProviders.edges.length;
        endCursor = data.trainingProviders.pageInfo.endCursor;
      }
      const secondPage: number[] = [];
      if (endCursor) {
        for (let i = 0; i < Math.max(20, iterations / 5); i++) {
          const started = process.hrtime.bigint();
          await run(benchCase.filter, endCursor);
          secondPage.push(Number(process.hrtime.bigint() - started) / 1e6);
        }
      }
      timings.sort((a, b) => a - b);
      secondPage.sort((a, b) => a - b);
      const providers = await providerQuery(dataSource, benchCase.filter, first, null).getMany();
      const providersSqlMs = await explainMs(
        dataSource,
        providerQuery(dataSource, benchCase.filter, first, null),
      );
      const coursesSqlMs = providers.length
        ? await explainMs(
            dataSource,
            matchingCoursesQuery(
              dataSource,
              benchCase.filter,
              providers.slice(0, first).map((a) => a.id),
            ),
          )
        : 0;
      rows.push({
        name: benchCase.name,
        results,
        p50Ms: percentile(timings, 50),
        p95Ms: percentile(timings, 95),
        maxMs: timings[timings.length - 1],
        secondPageP50Ms: secondPage.length ? percentile(secondPage, 50) : Number.NaN,
        providersSqlMs,
        coursesSqlMs,
      });
    }
  } finally {
    await apollo.stop();
  }
  return rows;
}

export function formatBenchmark(rows: BenchmarkRow[]): string {
  const header = `${'case'.padEnd(34)} ${'hits'.padStart(5)} ${'p50 ms'.padStart(8)} ${'p95 ms'.padStart(8)} ${'max ms'.padStart(8)} ${'page2 p50'.padStart(10)} ${'SQL providers'.padStart(14)} ${'SQL courses'.padStart(12)}`;
  const lines = rows.map(
    (r) =>
      `${r.name.padEnd(34)} ${String(r.results).padStart(5)} ${r.p50Ms.toFixed(2).padStart(8)} ${r.p95Ms.toFixed(2).padStart(8)} ${r.maxMs.toFixed(2).padStart(8)} ${(Number.isNaN(r.secondPageP50Ms) ? '-' : r.secondPageP50Ms.toFixed(2)).padStart(10)} ${r.providersSqlMs.toFixed(2).padStart(14)} ${r.coursesSqlMs.toFixed(2).padStart(12)}`,
  );
  return `find-a-training-provider, first: 20: in-process executeOperation (ms) and PostgreSQL plan+execution (ms)\n${header}\n${lines.join('\n')}\n`;
}

/** `--bench` on an existing database, without generating: node -r @swc-node/register .../bench-providers.ts */
if (require.main === module) {
  void (async () => {
    const dataSource = await openDataSource({ url: toolDatabaseUrl(), entities, migrations });
    try {
      process.stdout.write(
        formatBenchmark(
          await benchmarkProviderSearch(dataSource, { iterations: Number(process.argv[2] ?? 200) }),
        ),
      );
    } finally {
      await dataSource.destroy();
    }
  })().catch((error: unknown) => {
    process.stderr.write(`${error instanceof Error ? error.stack : String(error)}\n`);
    process.exit(1);
  });
}
