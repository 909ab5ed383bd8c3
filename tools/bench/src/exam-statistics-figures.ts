/**
 * Exam statistics figures through the gateway on a seeded history (default 1,000,000 sittings):
 * Mantel-Haenszel DIF of one form against its translations, the ATO pass-rate funnel, the pass-mark
 * precision and an ATO's item drift, each timed end to end (HTTP through the gateway to the exam
 * subgraph and PostgreSQL), one request at a time, a fresh token per request.
 *
 *   node tools/dev/bin/run-ts.mjs tools/bench/src/exam-statistics-figures.ts \
 *     [--database-prefix iso20000_statfig] [--sittings 1000000] [--runs 11] [--database-url URL]
 *
 * The exam database is `<prefix>_exam`; it is seeded (with progress) when it holds fewer sittings.
 * The other services get fresh databases of their own. The cost of the disclosure control itself
 * (time and accuracy) is measured in process by services/exam/src/statistics/bench/disclosure-cost-bench.ts.
 */
import { spawn } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Client } from 'pg';
import { composeSupergraph } from '@iso20000/tool-compose/src/compose';
import { startSystem } from '@iso20000/tool-dev/src/launcher';
import { workspaceRoot } from '@iso20000/tool-dev/src/infrastructure';
import { sourceNodeOptions } from '@iso20000/tool-dev/src/source-node';

interface Options {
  prefix: string;
  sittings: number;
  runs: number;
  serverUrl: string;
}

function parseOptions(argv: string[]): Options {
  const options: Options = {
    prefix: 'iso20000_statfig',
    sittings: 1_000_000,
    runs: 11,
    serverUrl: process.env.TEST_DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/postgres',
  };
  for (let i = 0; i < argv.length; i++) {
    const value = () => {
      const next = argv[++i];
      if (next === undefined) throw new Error(`${argv[i - 1]} needs a value`);
      return next;
    };
    if (argv[i] === '--database-prefix') options.prefix = value();
    else if (argv[i] === '--sittings') options.sittings = Number(value());
    else if (argv[i] === '--runs') options.runs = Number(value());
    else if (argv[i] === '--database-url') options.serverUrl = value();
    else if (argv[i] === '--') continue;
    else throw new Error(`unknown option ${argv[i]}`);
  }
  if (!/^[a-z][a-z0-9_]*$/.test(options.prefix))
    throw new Error('--database-prefix: lower-case letters, digits and _');
  return options;
}

const databaseUrl = (server: string, name: string) => {
  const url = new URL(server);
  url.pathname = `/${name}`;
  return url.toString();
};

async function factCount(url: string): Promise<number> {
  const client = new Client({ connectionString: url });
  try {
    await client.connect();
    const { rows } = await client.query<{ n: number }>(
      'SELECT count(*)::int AS n FROM statistics_result_fact',
    );
    return rows[0].n;
  } catch {
    return 0; // no database or no table yet
  } finally {
    await client.end().catch(() => undefined);
  }
}

function seed(url: string, sittings: number): Promise<void> {
  return new Promise((resolve, reject) => {
    const child = spawn(
      process.execPath,
      [
        ...sourceNodeOptions(),
        'services/exam/src/statistics/seed/generate-history.ts',
        '--sittings',
        String(sittings),
        '--database-url',
        url,
        '--replace',
      ],
      { cwd: workspaceRoot, stdio: 'inherit' },
    );
    child.once('exit', (code) => (code === 0 ? resolve() : reject(new Error(`seeding exited with ${code}`))));
  });
}

const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];

async function main(): Promise<void> {
  const options = parseOptions(process.argv.slice(2));
  const examUrl = databaseUrl(options.serverUrl, `${options.prefix}_exam`);
  const facts = await factCount(examUrl);
  process.stdout.write(
    `exam database ${options.prefix}_exam: ${facts.toLocaleString('en')} released sittings\n`,
  );
  if (facts < options.sittings) {
    process.stdout.write(`seeding ${options.sittings.toLocaleString('en')} sittings (progress below)\n`);
    await seed(examUrl, options.sittings);
  }
  const composed = composeSupergraph();
  if (!composed.ok) throw new Error(`the supergraph does not compose:\n${composed.errors.join('\n')}`);
  const supergraphPath = join(mkdtempSync(join(tmpdir(), 'statfig-')), 'supergraph.graphql');
  writeFileSync(supergraphPath, composed.supergraphSdl);
  process.stdout.write('starting the services and the gateway on free ports...\n');
  const system = await startSystem({
    databaseUrl: options.serverUrl,
    databasePrefix: options.prefix,
    namespace: options.prefix,
    ports: 'free',
    readyTimeoutMs: 900_000,
    extraEnv: { SUPERGRAPH_PATH: supergraphPath, LOG_LEVEL: 'warn' },
  });
  try {
    const client = new Client({ connectionString: examUrl });
    await client.connect();
    const forms = (
      await client.query<{ form_id: string; exam_code: string; language: string; n: number }>(
        `SELECT form_id, min(exam_code) AS exam_code, min(language) AS language, sum(sittings)::int AS n
         FROM statistics_form_rollup GROUP BY form_id ORDER BY 2, 4 DESC`,
      )
    ).rows;
    // the form closest to 100,000 sittings, with its translations (the other forms of its exam)
    const reference = forms
      .filter((f) => f.language === 'en')
      .sort((a, b) => Math.abs(a.n - 100_000) - Math.abs(b.n - 100_000))[0];
    const translations = forms.filter((f) => f.exam_code === reference.exam_code && f !== reference);
    const largestAto = (
      await client.query<{ ato_id: string; n: number }>(
        `SELECT ato_id, count(*)::int AS n FROM statistics_result_fact WHERE form_id = $1 AND ato_id IS NOT NULL
         GROUP BY 1 ORDER BY 2 DESC LIMIT 1`,
        [reference.form_id],
      )
    ).rows[0];
    await client.end();

    const cases: Array<{
      name: string;
      query: string;
      variables: Record<string, unknown>;
      summary: (data: never) => string;
    }> = [
      {
        name: `itemDif LANGUAGE: ${reference.exam_code} ${reference.language} form (${reference.n.toLocaleString('en')} sittings) against ${translations.length} translations`,
        query: `query($form: ID!, $translations: [ID!]) { itemDif(formId: $form, translationFormIds: $translations) {
          comparisons { focalGroup focalSittings suppressed items { itemNumber mhAlpha mhDelta mhDeltaStandardError mhChiSquare significance etsClass favours }
            review { itemNumber mhDelta reference { pValue options { option share } } focal { pValue options { option share } } } } } }`,
        variables: { form: reference.form_id, translations: translations.map((t) => t.form_id) },
        summary: (data: {
          itemDif: {
            comparisons: Array<{
              focalGroup: string;
              review: Array<{ itemNumber: number; mhDelta: number }>;
            }>;
          };
        }) =>
          data.itemDif.comparisons
            .map(
              (c) =>
                `${c.focalGroup}: class C ${c.review.map((r) => `${r.itemNumber} (D ${r.mhDelta})`).join(', ') || 'none'}`,
            )
            .join('; '),
      },
      {
        name: `itemDif COUNTRY: the same form, GB against every other country`,
        query: `query($form: ID!) { itemDif(formId: $form, by: COUNTRY, referenceGroup: "GB") { comparisons { focalGroup suppressed items { itemNumber mhDelta etsClass } review { itemNumber } } } }`,
        variables: { form: reference.form_id },
        summary: (data: { itemDif: { comparisons: Array<{ suppressed: boolean; review: unknown[] }> } }) =>
          `${data.itemDif.comparisons.length} countries, ${data.itemDif.comparisons.filter((c) => c.suppressed).length} suppressed, ${data.itemDif.comparisons.reduce((s, c) => s + c.review.length, 0)} class C items`,
      },
      {
        name: 'atoPassRateFunnel FOUNDATION (every ATO, first 1,000 points)',
        query: `{ atoPassRateFunnel(exam: FOUNDATION) { schemeSittings schemePassRate points(first: 1000) { totalCount edges { node {
          atoId suppressed sittings passed passRate lower998 lower95 upper95 upper998 position } } } } }`,
        variables: {},
        summary: (data: {
          atoPassRateFunnel: {
            schemePassRate: number;
            points: { totalCount: number; edges: Array<{ node: { position: string | null } }> };
          };
        }) => {
          const counts: Record<string, number> = {};
          for (const e of data.atoPassRateFunnel.points.edges)
            counts[e.node.position ?? 'SUPPRESSED'] = (counts[e.node.position ?? 'SUPPRESSED'] ?? 0) + 1;
          return `scheme rate ${data.atoPassRateFunnel.schemePassRate.toFixed(4)}, ${data.atoPassRateFunnel.points.totalCount} ATOs: ${JSON.stringify(counts)}`;
        },
      },
      {
        name: 'examPassMarkPrecision (every exam and form)',
        query: `{ examPassMarkPrecision { exam sittings conditionalStandardErrorAtPassMark standardErrorOfMeasurement sittingsNearPassMark shareNearPassMark decisionConsistency decisionKappa forms { language sittings decisionConsistency } } }`,
        variables: {},
        summary: (data: {
          examPassMarkPrecision: Array<{
            exam: string;
            conditionalStandardErrorAtPassMark: number | null;
            shareNearPassMark: number | null;
            decisionConsistency: number | null;
          }>;
        }) =>
          data.examPassMarkPrecision
            .map(
              (e) =>
                `${e.exam}: CSEM ${e.conditionalStandardErrorAtPassMark}, near ${e.shareNearPassMark?.toFixed(3)}, p0 ${e.decisionConsistency}`,
            )
            .join('; '),
      },
      {
        name: `atoItemDrift: the form's largest ATO (${largestAto.n.toLocaleString('en')} sittings)`,
        query: `query($form: ID!, $ato: ID!) { atoItemDrift(formId: $form, atoId: $ato) { atoSittings items { itemNumber atoPValue schemePValue mhDelta etsClass flagged } } }`,
        variables: { form: reference.form_id, ato: largestAto.ato_id },
        summary: (data: { atoItemDrift: { items: Array<{ flagged: boolean; itemNumber: number }> } }) =>
          `flagged: ${
            data.atoItemDrift.items
              .filter((i) => i.flagged)
              .map((i) => i.itemNumber)
              .join(', ') || 'none'
          }`,
      },
    ];

    process.stdout.write(
      `\n${options.runs} runs each, one request at a time, a fresh analyst token per request\n`,
    );
    for (const c of cases) {
      const times: number[] = [];
      let summary = '';
      for (let run = 0; run < options.runs; run++) {
        const token = await system.token('analyst', { name: `bench ${run}` });
        const started = process.hrtime.bigint();
        const result = await system.query<never>(c.query, c.variables, token);
        times.push(Number(process.hrtime.bigint() - started) / 1e6);
        if (result.errors?.length) throw new Error(`${c.name}: ${JSON.stringify(result.errors)}`);
        if (run === 0) summary = c.summary(result.data as never);
      }
      process.stdout.write(
        `${c.name}\n  median ${median(times).toFixed(0)} ms, min ${Math.min(...times).toFixed(0)}, max ${Math.max(...times).toFixed(0)}  | ${summary}\n`,
      );
    }
  } finally {
    await system.stop();
  }
}

main().catch((error: unknown) => {
  process.stderr.write(`${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`);
  process.exit(1);
});
