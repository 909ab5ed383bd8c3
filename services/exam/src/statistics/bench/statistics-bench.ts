/**
 * In-process timing of the statistics queries through the resolvers (GraphQL execution included,
 * no HTTP), against a seeded database:
 *
 *   node -r @swc-node/register services/exam/src/statistics/bench/statistics-bench.ts \
 *     --database-url postgres://postgres@127.0.0.1:5432/iso20000_exam [--runs 15] [--cpu] [--warm] [--only <part of a case name>]
 *
 * Cold by default: before every run the rollups' version is bumped (as a release would), so the
 * result cache cannot answer; --warm leaves it alone, so repeated requests are cache hits.
 *
 * Besides wall time it reports CPU time (this process + the PostgreSQL backends serving it, read
 * from /proc), which does not grow when other work shares the machine. With --cpu, parallel query
 * is switched off so every CPU millisecond is counted (parallel workers exit before they can be
 * read): the serial CPU time is then an upper bound for the wall time on an idle core.
 */
import { readdirSync, readFileSync } from 'node:fs';
import 'reflect-metadata';
import { ApolloServer } from '@apollo/server';
import { buildSubgraphSchema } from '@apollo/subgraph';
import type { GraphQLResolverMap } from '@apollo/subgraph/dist/schema-helper';
import { DataSource } from 'typeorm';
import { parse } from 'graphql';
import {
  bumpRollupVersion,
  statisticsEntities,
  statisticsResolvers,
  statisticsTypeDefs,
  type StatisticsContext,
} from '../index';
import { toolDatabaseUrl } from '../../config';

const SCHEMA_STUB = `
  extend schema @link(url: "https://specs.apollo.dev/federation/v2.7", import: ["@key", "@shareable"])
  enum ExamCode { FOUNDATION PRACTITIONER AUDITOR }
  type PageInfo @shareable { hasNextPage: Boolean! endCursor: String }
  type Query { _statisticsBenchProbe: Boolean }
`;

interface Case {
  name: string;
  query: string;
  variables?: Record<string, unknown>;
}

async function main(): Promise<void> {
  const argv = process.argv.slice(2);
  const arg = (name: string, fallback: string) => {
    const i = argv.indexOf(name);
    return i >= 0 && argv[i + 1] ? argv[i + 1] : fallback;
  };
  const url = arg('--database-url', toolDatabaseUrl());
  const runs = Number(arg('--runs', '15'));
  const cpuMode = argv.includes('--cpu');
  const only = arg('--only', '');
  // cold: the rollups' version is bumped before every run, so no result comes from the cache
  const warm = argv.includes('--warm');
  const database = new URL(url).pathname.slice(1);
  const dataSource = new DataSource({
    type: 'postgres',
    url,
    entities: [...statisticsEntities],
    extra: cpuMode ? { options: '-c max_parallel_workers_per_gather=0' } : {},
  });
  await dataSource.initialize();
  const schema = buildSubgraphSchema([
    {
      typeDefs: parse(SCHEMA_STUB + statisticsTypeDefs()),
      resolvers: statisticsResolvers as unknown as GraphQLResolverMap<StatisticsContext>,
    },
  ]);
  const apollo = new ApolloServer<StatisticsContext>({ schema });
  await apollo.start();
  const context: StatisticsContext = { viewer: { role: 'analyst', subject: 'bench' }, dataSource };

  const [{ total }]: Array<{ total: string }> = await dataSource.query(
    'SELECT count(*)::text AS total FROM statistics_result_fact',
  );
  const forms: Array<{ form_id: string; n: number }> = await dataSource.query(
    `SELECT form_id, sum(sittings)::int AS n FROM statistics_form_rollup GROUP BY form_id ORDER BY abs(sum(sittings) - 100000) LIMIT 1`,
  );
  const form = forms[0];
  const countries: Array<{ country: string }> = await dataSource.query(
    'SELECT DISTINCT country FROM statistics_result_fact WHERE form_id = $1',
    [form.form_id],
  );
  const atos: Array<{ ato_id: string; n: number }> = await dataSource.query(
    'SELECT ato_id, count(*)::int AS n FROM statistics_result_fact WHERE form_id = $1 AND ato_id IS NOT NULL GROUP BY ato_id ORDER BY n DESC LIMIT 1',
    [form.form_id],
  );
  const groupFields =
    'key { exam atoId month } suppressed sittings passed passRate meanPercentage stdDevPercentage';
  const distributionFields = `${groupFields} medianPercentage distribution { fromPercentage sittings }`;
  const itemFields = `formId suppressed form { sittings reliability reliabilityMethod standardErrorOfMeasurement }
    items { itemNumber pValue discrimination flags options { option share } }
    languages { language suppressed items { itemNumber pValue discrimination } }`;
  const cases: Case[] = [
    {
      name: 'pass rate by ATO by month, Foundation (first 100 groups)',
      query: `{ examStatistics(filter: { exams: [FOUNDATION] }, groupBy: [ATO, MONTH]) { total { ${groupFields} } groups(first: 100) { totalCount edges { node { ${groupFields} } } } } }`,
    },
    {
      name: 'same, 1000 groups per page',
      query: `{ examStatistics(filter: { exams: [FOUNDATION] }, groupBy: [ATO, MONTH]) { groups(first: 1000) { totalCount edges { node { ${groupFields} } } } } }`,
    },
    {
      // the gateway bench's query (tools/bench, suite statistics): counts and pass rate only
      name: 'same, fields of the gateway bench (sittings, passed, pass rate), 1000 groups',
      query: `{ examStatistics(filter: { exams: [FOUNDATION] }, groupBy: [ATO, MONTH]) { total { sittings passRate } groups(first: 1000) { totalCount edges { node { key { atoId month } suppressed sittings passed passRate } } } } }`,
    },
    {
      name: 'same with median and histogram per group (first 100)',
      query: `{ examStatistics(filter: { exams: [FOUNDATION] }, groupBy: [ATO, MONTH]) { groups(first: 100) { totalCount edges { node { ${distributionFields} } } } } }`,
    },
    {
      name: 'whole-history distribution, all exams and per exam',
      query: `{ examStatistics(groupBy: [EXAM]) { total { ${distributionFields} } groups { edges { node { ${distributionFields} trainerEligibilityRate } } } } }`,
    },
    {
      name: 'trend by month for one exam with median and histogram',
      query: `{ examStatistics(filter: { exams: [AUDITOR] }, groupBy: [MONTH]) { groups(first: 100) { edges { node { ${distributionFields} } } } } }`,
    },
    {
      name: `item analysis, form ${form.form_id} (${form.n} sittings), from the rollups`,
      query: `query($f: ID!) { itemAnalysis(formId: $f) { ${itemFields} } }`,
      variables: { f: form.form_id },
    },
    {
      name: `item analysis, same form filtered by its ${countries.length} countries (per-country rollups)`,
      query: `query($f: ID!, $c: [String!]) { itemAnalysis(formId: $f, filter: { countries: $c }) { ${itemFields} } }`,
      variables: { f: form.form_id, c: countries.map((c) => c.country) },
    },
    {
      name: `item analysis, same form filtered by its largest ATO (${atos[0]?.n ?? 0} sittings, facts by index)`,
      query: `query($f: ID!, $a: [ID!]) { itemAnalysis(formId: $f, filter: { atoIds: $a }) { ${itemFields} } }`,
      variables: { f: form.form_id, a: atos.map((a) => a.ato_id) },
    },
    {
      name: `item analysis, same form, public sessions only (facts)`,
      query: `query($f: ID!) { itemAnalysis(formId: $f, filter: { sessionKinds: [PUBLIC] }) { ${itemFields} } }`,
      variables: { f: form.form_id },
    },
  ];

  process.stdout.write(
    `statistics bench: ${total} sittings, ${runs} runs per query after 2 warm-up runs${cpuMode ? ', parallel query off' : ''}, ${
      warm
        ? 'WARM (repeated requests may come from the result cache)'
        : 'COLD (rollups version bumped before every run: no cached result)'
    }\n`,
  );
  for (const c of cases.filter((x) => x.name.includes(only))) {
    const times: number[] = [];
    const cpu: number[] = [];
    const nodeCpuMs: number[] = [];
    const pgCpuMs: number[] = [];
    for (let i = 0; i < runs + 2; i++) {
      if (!warm) await dataSource.transaction((m) => bumpRollupVersion(m));
      const cpuBefore = process.cpuUsage();
      const pgBefore = backendCpuMs(database);
      const started = process.hrtime.bigint();
      const response = await apollo.executeOperation(
        { query: c.query, variables: c.variables },
        { contextValue: context },
      );
      const ms = Number(process.hrtime.bigint() - started) / 1e6;
      if (response.body.kind !== 'single' || response.body.singleResult.errors) {
        throw new Error(
          `${c.name}: ${JSON.stringify(response.body.kind === 'single' ? response.body.singleResult.errors : 'incremental')}`,
        );
      }
      const nodeCpu = process.cpuUsage(cpuBefore);
      if (i >= 2) {
        times.push(ms);
        const nodeMs = (nodeCpu.user + nodeCpu.system) / 1000;
        const pgMs = backendCpuMs(database) - pgBefore;
        nodeCpuMs.push(nodeMs);
        pgCpuMs.push(pgMs);
        cpu.push(nodeMs + pgMs);
      }
    }
    const pick = (xs: number[], q: number) =>
      [...xs].sort((a, b) => a - b)[Math.min(xs.length - 1, Math.floor(q * xs.length))].toFixed(0);
    process.stdout.write(
      `${c.name.padEnd(95)} wall median ${pick(times, 0.5).padStart(5)} ms  p95 ${pick(times, 0.95).padStart(5)} ms | cpu median ${pick(cpu, 0.5).padStart(5)} ms (node ${pick(nodeCpuMs, 0.5)}, postgres ${pick(pgCpuMs, 0.5)})\n`,
    );
  }
  await apollo.stop();
  await dataSource.destroy();
}

/** CPU time (ms) used so far by the PostgreSQL backends connected to this database (Linux /proc, local server). */
function backendCpuMs(database: string): number {
  let total = 0;
  for (const pid of readdirSync('/proc')) {
    if (!/^\d+$/.test(pid)) continue;
    try {
      const cmdline = readFileSync(`/proc/${pid}/cmdline`, 'utf8');
      if (!cmdline.startsWith('postgres:') || !cmdline.includes(` ${database} `)) continue;
      // nanoseconds on a CPU (schedstat), finer than the 10 ms ticks of /proc/<pid>/stat
      total += Number(readFileSync(`/proc/${pid}/schedstat`, 'utf8').split(' ')[0]) / 1e6;
    } catch {
      // the process ended between listing and reading
    }
  }
  return total;
}

main().catch((error: unknown) => {
  process.stderr.write(`${error instanceof Error ? error.stack : String(error)}\n`);
  process.exit(1);
});
