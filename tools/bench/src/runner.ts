import { randomUUID } from 'node:crypto';
import { isSubgraphService, SUBGRAPH_SERVICES } from '@iso20000/topology';
import { cpuMillisPerRequest, cpuShares, sampleCpu } from './cpu';
import { postGraphQL } from './graphql-client';
import { runLoadInWorker } from './load';
import type { LoadAuth, LoadResult, LoadSpec } from './load-spec';
import type { Contender, PreparedScenario } from './scenarios';
import { backgroundRate, sqlPerRequest, type SqlPerRequest, type SqlStats } from './sql-stats';
import { medianOfRuns, ratioTo, type MedianMeasurement, type RunMeasurement } from './stats';
import type { Log } from './log';
import type { BenchSystem } from './system';
import { createTokenSigner } from './tokens';

export interface RunOptions {
  durationSeconds: number;
  warmupSeconds: number;
  repeats: number;
}

type Measured = RunMeasurement & {
  sql?: SqlPerRequest;
  cpuShare?: Record<string, number>;
  /** CPU milliseconds per request, per process tree. */
  cpuMs?: Record<string, number>;
  firstError?: string;
};

export interface ContenderOutcome {
  contender: Contender;
  url: string;
  skipped?: string;
  runs: Measured[];
  median?: MedianMeasurement;
  ratio?: number;
  /** Median per-request SQL statements over the runs. */
  sqlStatements?: number;
  /** Median share of the gateway process tree in (gateway + subgraphs) CPU time. */
  gatewayCpuShare?: number;
  /** Median CPU milliseconds the gateway (or, for direct, the subgraphs) spent per request. */
  gatewayCpuMs?: number;
  subgraphsCpuMs?: number;
  recordsPerSecond?: number;
}

export interface ScenarioOutcome {
  suite: string;
  scenario: string;
  note?: string;
  connections: number;
  outcomes: ContenderOutcome[];
}

const GATEWAY_PROCESS: Record<Contender, string | undefined> = {
  ours: 'gateway',
  hive: 'hive',
  direct: undefined,
};

function authorizationOnce(auth: LoadAuth): string | undefined {
  if (auth.kind === 'none') return undefined;
  if (auth.kind === 'fixed') return auth.authorization;
  return `Bearer ${createTokenSigner(auth)(auth.claims)}`;
}

/** One request first: a contender whose answer carries errors is reported and skipped, not timed. */
async function probe(url: string, scenario: PreparedScenario): Promise<string | undefined> {
  const { query, variables } = JSON.parse(
    scenario.body.replaceAll('$SEQ', `probe-${randomUUID().slice(0, 8)}`),
  ) as {
    query: string;
    variables: Record<string, unknown>;
  };
  try {
    const answer = await postGraphQL(url, query, variables, authorizationOnce(scenario.auth));
    if (answer.errors?.length) {
      const first = answer.errors[0];
      return `${first.message}${first.extensions?.code ? ` (${first.extensions.code})` : ''}`.slice(0, 200);
    }
    if (!answer.data) {
      const extensions = (answer as { extensions?: { valueCompletion?: Array<{ message: string }> } })
        .extensions;
      const reason = extensions?.valueCompletion?.[0]?.message;
      return `HTTP ${answer.status} without data${reason ? `: ${reason}` : ''}`;
    }
    return undefined;
  } catch (error) {
    return error instanceof Error ? error.message : String(error);
  }
}

const median = (values: number[]) => {
  const sorted = values.filter(Number.isFinite).sort((a, b) => a - b);
  if (!sorted.length) return undefined;
  const middle = Math.floor(sorted.length / 2);
  return sorted.length % 2 ? sorted[middle] : (sorted[middle - 1] + sorted[middle]) / 2;
};
/** Milliseconds for the progress line; a run without answers has none (NaN arrives as null over IPC). */
const ms = (value: number | null) =>
  typeof value === 'number' && Number.isFinite(value) ? value.toFixed(1) : '-';
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

export class BenchRunner {
  private background: Record<string, number> = {};

  constructor(
    private readonly bench: BenchSystem,
    private readonly sql: SqlStats | undefined,
    private readonly options: RunOptions,
    private readonly log: Log,
  ) {}

  /** The services' own SQL while nobody asks anything (outbox relays and consumers poll). */
  async measureBackground(seconds = 3): Promise<void> {
    if (!this.sql) return;
    const before = await this.sql.sample();
    await sleep(seconds * 1000);
    this.background = backgroundRate(before, await this.sql.sample(), seconds);
  }

  urlOf(contender: Contender, scenario: PreparedScenario): string | undefined {
    if (contender === 'ours') return this.bench.urls.gateway;
    if (contender === 'hive') return this.bench.urls.hive || undefined;
    return scenario.direct ? this.bench.urls[scenario.direct] : undefined;
  }

  async run(scenario: PreparedScenario): Promise<ScenarioOutcome> {
    const wanted: Contender[] = scenario.contenders ?? [
      'ours',
      'hive',
      ...(scenario.direct ? (['direct'] as const) : []),
    ];
    const outcomes: ContenderOutcome[] = [];
    for (const contender of wanted) {
      const url = this.urlOf(contender, scenario);
      if (!url) {
        outcomes.push({ contender, url: '', skipped: 'not running', runs: [] });
        continue;
      }
      const failure = await probe(url, scenario);
      if (failure) this.log(`  ${contender}: skipped, the query fails: ${failure}`);
      outcomes.push({ contender, url, skipped: failure ? `query fails: ${failure}` : undefined, runs: [] });
    }
    const live = outcomes.filter((outcome) => !outcome.skipped);
    const spec = (url: string, extra: Partial<LoadSpec>): LoadSpec => ({
      url,
      body: scenario.body,
      auth: scenario.auth,
      connections: scenario.connections,
      runId: randomUUID().slice(0, 8),
      ...extra,
    });

    if (scenario.amount === undefined && this.options.warmupSeconds > 0) {
      for (const outcome of live) {
        if (scenario.warmupRequests) {
          this.log(`  warming up ${outcome.contender} (${scenario.warmupRequests} requests)`);
          await runLoadInWorker(spec(outcome.url, { amount: scenario.warmupRequests, timeoutSeconds: 120 }));
        } else {
          this.log(`  warming up ${outcome.contender} (${this.options.warmupSeconds} s)`);
          await runLoadInWorker(spec(outcome.url, { durationSeconds: this.options.warmupSeconds }));
        }
      }
    }
    const durationSeconds = Math.max(this.options.durationSeconds, scenario.minDurationSeconds ?? 0);
    const repeats = scenario.amount === undefined ? this.options.repeats : 1;
    for (let round = 0; round < repeats; round += 1) {
      // Alternate the order each round, so no contender always runs on a warmer (or hotter) machine.
      const order = live.map((_, index) => live[(index + round) % live.length]);
      for (const outcome of order) {
        const measured = await this.measure(outcome.contender, () =>
          runLoadInWorker(
            spec(
              outcome.url,
              scenario.amount === undefined
                ? { durationSeconds, timeoutSeconds: 120 }
                : { amount: scenario.amount, timeoutSeconds: 120 },
            ),
          ),
        );
        outcome.runs.push(measured);
        const sql = measured.sql ? `, SQL ${measured.sql.statements.toFixed(1)}/req` : '';
        const gw = GATEWAY_PROCESS[outcome.contender];
        const cpu =
          gw && measured.cpuShare && measured.cpuMs
            ? `, gateway CPU ${(measured.cpuShare[gw] * 100).toFixed(0)}% (${measured.cpuMs[gw].toFixed(2)} ms/req)`
            : '';
        this.log(
          `  ${outcome.contender.padEnd(6)} run ${round + 1}/${repeats}: ${measured.requestsPerSecond.toFixed(0)} req/s, ` +
            `p50 ${ms(measured.latency.p50)} ms, p95 ${ms(measured.latency.p95)} ms, p99 ${ms(measured.latency.p99)} ms, ` +
            `errors ${measured.errors}${sql}${cpu}${measured.firstError ? ` (first: ${measured.firstError.slice(0, 160)})` : ''}`,
        );
      }
    }

    for (const outcome of live) {
      outcome.median = medianOfRuns(outcome.runs);
      outcome.sqlStatements = median(outcome.runs.flatMap((run) => (run.sql ? [run.sql.statements] : [])));
      const gw = GATEWAY_PROCESS[outcome.contender];
      outcome.gatewayCpuShare = gw
        ? median(outcome.runs.map((run) => run.cpuShare?.[gw] ?? Number.NaN))
        : undefined;
      outcome.gatewayCpuMs = gw
        ? median(outcome.runs.map((run) => run.cpuMs?.[gw] ?? Number.NaN))
        : undefined;
      outcome.subgraphsCpuMs = median(
        outcome.runs.map((run) => SUBGRAPH_SERVICES.reduce((sum, name) => sum + (run.cpuMs?.[name] ?? 0), 0)),
      );
      if (scenario.recordsPerRequest)
        outcome.recordsPerSecond = outcome.median.requestsPerSecond * scenario.recordsPerRequest;
    }
    const ours =
      outcomes.find((outcome) => outcome.contender === 'ours')?.median?.requestsPerSecond ?? Number.NaN;
    for (const outcome of live)
      outcome.ratio = ratioTo(ours, outcome.median?.requestsPerSecond ?? Number.NaN);
    return {
      suite: scenario.suite,
      scenario: scenario.name,
      note: scenario.note,
      connections: scenario.connections,
      outcomes,
    };
  }

  private async measure(contender: Contender, load: () => Promise<LoadResult>): Promise<Measured> {
    const gw = GATEWAY_PROCESS[contender];
    const processes = Object.fromEntries(
      Object.entries(this.bench.pids).filter(([name]) => isSubgraphService(name) || name === gw),
    );
    const sqlBefore = await this.sql?.sample();
    const cpuBefore = sampleCpu(processes);
    const started = Date.now();
    const result = await load();
    const cpuAfter = sampleCpu(processes);
    const seconds = (Date.now() - started) / 1000;
    let sql: SqlPerRequest | undefined;
    if (this.sql && sqlBefore) {
      // Backends publish their counters to pg_stat_database at most once a second.
      await sleep(1100);
      sql = sqlPerRequest(
        sqlBefore,
        await this.sql.sample(),
        result.requests,
        seconds + 1.1,
        this.background,
      );
    }
    return {
      requests: result.requests,
      durationSeconds: result.durationSeconds,
      requestsPerSecond: result.requestsPerSecond,
      latency: result.latency,
      errors: result.graphqlErrors + result.connectionErrors + result.timeouts,
      firstError: result.firstError,
      sql,
      cpuShare: cpuShares(cpuBefore, cpuAfter),
      cpuMs: cpuMillisPerRequest(cpuBefore, cpuAfter, result.requests),
    };
  }
}
