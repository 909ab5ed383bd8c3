import { randomUUID } from 'node:crypto';
import { isSubgraphService, SUBGRAPH_SERVICES } from '@iso20000/topology';
import { cpuMillisPerRequest, cpuShares, sampleCpu, TICKS_PER_SECOND } from './cpu';
import { postGraphQL } from './graphql-client';
import { runLoadInWorker } from './load';
import type { LoadAuth, LoadResult, LoadSpec } from './load-spec';
import type { Contender, PreparedScenario } from './scenarios';
import { outboxDrained, resetRegistryWrites } from './registry-reset';
import {
  backgroundRate,
  sqlPerRequest,
  type BackgroundRate,
  type SqlPerRequest,
  type SqlStats,
} from './sql-stats';
import { medianOfRuns, ratioTo, warmupSettled, type MedianMeasurement, type RunMeasurement } from './stats';
import type { Log } from './log';
import type { BenchSystem } from './system';
import { createTokenSigner } from './tokens';

export interface RunOptions {
  durationSeconds: number;
  /** Length of one warm-up round (s); rounds repeat until throughput settles. */
  warmupSeconds: number;
  /** Most warm-up rounds per contender and scenario. */
  warmupMaxRounds: number;
  repeats: number;
  contenders: readonly Contender[];
  databaseUrl: string;
  databasePrefix: string;
}

type Measured = RunMeasurement & {
  sql?: SqlPerRequest;
  cpuShare?: Record<string, number>;
  /** CPU milliseconds per request, per process tree. */
  cpuMs?: Record<string, number>;
  /** The same, less what each process tree spends idle over as long (see BenchRunner.idleAgain). */
  cpuMsNet?: Record<string, number>;
  /** CPU ticks per process tree over the run, and the run's length: for cpuMsNet. */
  cpuTicks?: Record<string, number>;
  loadSeconds?: number;
  firstError?: string;
  /** A warm-up's failures, not a timed run (no figures). */
  warmup?: boolean;
};

export interface WarmupRecord {
  rounds: number;
  /** Throughput of each round, req/s. */
  rates: number[];
  settled: boolean;
}

export interface ContenderOutcome {
  contender: Contender;
  url: string;
  skipped?: string;
  runs: Measured[];
  warmup?: WarmupRecord;
  /** Any failed request in any run (or warm-up round) fails the contender on this scenario. */
  failed?: string;
  median?: MedianMeasurement;
  ratio?: number;
  /** Median per-request SQL statements over the runs. */
  sqlStatements?: number;
  /** Median share of the gateway process tree in (gateway + subgraphs) CPU time. */
  gatewayCpuShare?: number;
  /** Median CPU milliseconds the gateway (or, for direct, the subgraphs) spent per request. */
  gatewayCpuMs?: number;
  /** gatewayCpuMs less the gateway's idle CPU over the run's duration (timers, bus heartbeats, credential refreshes). */
  gatewayCpuMsNet?: number;
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

/** The process tree measured as "the gateway": each gateway contender's own (none for direct). */
const gatewayProcess = (contender: Contender): string | undefined =>
  contender === 'direct' ? undefined : contender;

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

/** The median over a contender's runs of its gateway's CPU per request net of idle. */
function gatewayCpuMsNet(outcome: ContenderOutcome): number | undefined {
  const gw = gatewayProcess(outcome.contender);
  return gw ? median(outcome.runs.map((run) => run.cpuMsNet?.[gw] ?? Number.NaN)) : undefined;
}

export class BenchRunner {
  private background: BackgroundRate = new Map();
  /** Each measured process tree's CPU while nobody asks anything, in clock ticks per second. */
  private idleTicksPerSecond: Record<string, number> = {};

  constructor(
    private readonly bench: BenchSystem,
    private readonly sql: SqlStats | undefined,
    private readonly options: RunOptions,
    private readonly log: Log,
  ) {}

  /**
   * Waits until the event consumers have caught up and no service database runs a statement: the
   * previous run's abandoned requests and the events earlier writes published must not be worked
   * off during this one.
   */
  private async quiet(): Promise<void> {
    const pending = await this.bench.consumersCaughtUp(180_000);
    if (pending > 0) this.log(`  (event consumers still had ${pending} messages pending after 180 s)`);
    if (this.sql && !(await this.sql.untilQuiet()))
      this.log('  (the service databases stayed busy for 60 s)');
  }

  /** The services' own SQL while nobody asks anything (outbox relays and consumers poll). */
  async measureBackground(seconds = 3): Promise<void> {
    await this.quiet();
    // Idle CPU over at least 10 s (a tick is 10 ms): at 10 req/s a process's own timers and bus
    // traffic are a large part of its CPU per request, so runs also report it net of this rate.
    const cpuSeconds = Math.max(seconds, 10);
    const cpuBefore = sampleCpu(this.bench.pids);
    const cpuStarted = Date.now();
    if (this.sql) {
      const before = await this.sql.sample();
      await sleep(seconds * 1000);
      this.background = backgroundRate(before, await this.sql.sample(), seconds);
    }
    await sleep(Math.max(0, cpuSeconds * 1000 - (Date.now() - cpuStarted)));
    this.idleTicksPerSecond = this.idleRates(cpuBefore, cpuStarted);
    this.log(`  idle CPU: ${this.formatIdle(this.idleTicksPerSecond)}`);
  }

  /**
   * Idle CPU again, after a suite's scenarios, and each of its runs net of the lower of the two
   * rates. Measured at start only, a newly started gateway's primary counted 25-43 ms/s of V8
   * background work for well over 10 s that was gone (0 ms/s) once load began: taken off every
   * run, it made "net of idle" up to 0.6 ms per request too low, for whichever gateway it hit.
   */
  async idleAgain(outcomes: readonly ScenarioOutcome[]): Promise<void> {
    await this.quiet();
    const cpuBefore = sampleCpu(this.bench.pids);
    const cpuStarted = Date.now();
    await sleep(10_000);
    const now = this.idleRates(cpuBefore, cpuStarted);
    const lower = Object.fromEntries(
      Object.keys(now).map((name) => [
        name,
        Math.min(now[name] ?? 0, this.idleTicksPerSecond[name] ?? Infinity),
      ]),
    );
    this.log(`  idle CPU after the suite: ${this.formatIdle(now)}; runs are net of the lower rate`);
    this.idleTicksPerSecond = lower;
    for (const scenario of outcomes)
      for (const outcome of scenario.outcomes) {
        for (const run of outcome.runs)
          if (run.cpuTicks && run.loadSeconds !== undefined)
            run.cpuMsNet = this.netOfIdle(run.cpuTicks, run.requests, run.loadSeconds);
        outcome.gatewayCpuMsNet = gatewayCpuMsNet(outcome);
      }
  }

  /** CPU milliseconds per request, per process tree, less its idle rate over the run's length. */
  private netOfIdle(cpuTicks: Record<string, number>, requests: number, loadSeconds: number) {
    return cpuMillisPerRequest(
      {},
      cpuTicks,
      requests,
      TICKS_PER_SECOND,
      Object.fromEntries(
        Object.keys(cpuTicks).map((name) => [name, (this.idleTicksPerSecond[name] ?? 0) * loadSeconds]),
      ),
    );
  }

  private idleRates(cpuBefore: Record<string, number>, cpuStarted: number): Record<string, number> {
    const cpuAfter = sampleCpu(this.bench.pids);
    const elapsed = (Date.now() - cpuStarted) / 1000;
    return Object.fromEntries(
      Object.keys(cpuAfter).map((name) => [
        name,
        Math.max(0, (cpuAfter[name] ?? 0) - (cpuBefore[name] ?? 0)) / elapsed,
      ]),
    );
  }

  private formatIdle(ticksPerSecond: Record<string, number>): string {
    return Object.entries(ticksPerSecond)
      .map(([name, ticks]) => `${name} ${(ticks * (1000 / TICKS_PER_SECOND)).toFixed(0)} ms/s`)
      .join(', ');
  }

  urlOf(contender: Contender, scenario: PreparedScenario): string | undefined {
    if (contender === 'direct') return scenario.direct ? this.bench.urls[scenario.direct] : undefined;
    return this.bench.urls[contender];
  }

  /** Deletes what a writing scenario wrote, so every run (and every later read) sees the same registry. */
  private async resetWrites(scenario: PreparedScenario, vacuum = false): Promise<void> {
    if (!scenario.writesRegistry) return;
    const reset = await resetRegistryWrites(
      this.options.databaseUrl,
      `${this.options.databasePrefix}_registry`,
      vacuum,
    );
    if (vacuum || reset.certifications)
      this.log(
        `  registry reset: ${reset.certifications} certifications, ${reset.organizations} organizations, ${reset.events} events deleted${vacuum ? ', vacuumed' : ''}`,
      );
  }

  async run(scenario: PreparedScenario): Promise<ScenarioOutcome> {
    const wanted = this.options.contenders.filter(
      (contender) =>
        (!scenario.contenders || scenario.contenders.includes(contender)) &&
        (contender !== 'direct' || scenario.direct),
    );
    const outcomes: ContenderOutcome[] = [];
    for (const contender of wanted) {
      const url = this.urlOf(contender, scenario);
      if (!url) {
        const why = contender === 'direct' ? undefined : this.bench.unavailable[contender];
        outcomes.push({
          contender,
          url: '',
          skipped: why ? `did not start: ${why.split('\n')[0]}` : 'not running',
          runs: [],
        });
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

    if (!scenario.singleRun && this.options.warmupSeconds > 0) {
      for (const outcome of live) {
        outcome.warmup = await this.warmUp(outcome, scenario, spec);
        await this.resetWrites(scenario);
      }
    }
    const durationSeconds = Math.max(this.options.durationSeconds, scenario.minDurationSeconds ?? 0);
    const repeats = scenario.singleRun ? 1 : this.options.repeats;
    for (let round = 0; round < repeats; round += 1) {
      // Alternate the order each round, so no contender always runs on a warmer (or hotter) machine.
      const order = live.map((_, index) => live[(index + round) % live.length]);
      for (const outcome of order) {
        const measured = await this.measure(outcome.contender, scenario, () =>
          runLoadInWorker(
            spec(
              outcome.url,
              scenario.amount === undefined
                ? { durationSeconds, timeoutSeconds: 120 }
                : { amount: scenario.amount, timeoutSeconds: 300 },
            ),
          ),
        );
        outcome.runs.push(measured);
        await this.resetWrites(scenario);
        const sql = measured.sql ? `, SQL ${measured.sql.statements.toFixed(1)}/req` : '';
        const gw = gatewayProcess(outcome.contender);
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

    if (scenario.writesRegistry) await this.resetWrites(scenario, true);
    for (const outcome of live) {
      const errors = outcome.runs.reduce((sum, run) => sum + run.errors, 0);
      const first = outcome.runs.find((run) => run.firstError)?.firstError;
      if (errors > 0)
        outcome.failed = `${errors} failed request(s)${first ? `; first: ${first.slice(0, 200)}` : ''}`;
      outcome.median = medianOfRuns(outcome.runs.filter((run) => !run.warmup));
      outcome.sqlStatements = median(outcome.runs.flatMap((run) => (run.sql ? [run.sql.statements] : [])));
      const gw = gatewayProcess(outcome.contender);
      outcome.gatewayCpuShare = gw
        ? median(outcome.runs.map((run) => run.cpuShare?.[gw] ?? Number.NaN))
        : undefined;
      outcome.gatewayCpuMs = gw
        ? median(outcome.runs.map((run) => run.cpuMs?.[gw] ?? Number.NaN))
        : undefined;
      outcome.gatewayCpuMsNet = gatewayCpuMsNet(outcome);
      outcome.subgraphsCpuMs = median(
        outcome.runs
          .filter((run) => !run.warmup)
          .map((run) => SUBGRAPH_SERVICES.reduce((sum, name) => sum + (run.cpuMs?.[name] ?? 0), 0)),
      );
      if (scenario.recordsPerRequest)
        outcome.recordsPerSecond = outcome.median.requestsPerSecond * scenario.recordsPerRequest;
    }
    const oursOutcome = outcomes.find((outcome) => outcome.contender === 'ours');
    const ours = oursOutcome?.failed ? Number.NaN : (oursOutcome?.median?.requestsPerSecond ?? Number.NaN);
    for (const outcome of live)
      outcome.ratio = outcome.failed
        ? Number.NaN
        : ratioTo(ours, outcome.median?.requestsPerSecond ?? Number.NaN);
    return {
      suite: scenario.suite,
      scenario: scenario.name,
      note: scenario.note,
      connections: scenario.connections,
      outcomes,
    };
  }

  /**
   * Warm-up in rounds (seconds, or a few requests for heavy queries) until two consecutive rounds'
   * throughput agree within SETTLED_WITHIN, at most warmupMaxRounds: a JIT still compiling, caches
   * still filling or pools still opening must not land in the first timed run. A failed request in
   * warm-up is counted like one in a timed run.
   */
  private async warmUp(
    outcome: ContenderOutcome,
    scenario: PreparedScenario,
    spec: (url: string, extra: Partial<LoadSpec>) => LoadSpec,
  ): Promise<WarmupRecord> {
    const rates: number[] = [];
    let errors = 0;
    let firstError: string | undefined;
    let roundSeconds = this.options.warmupSeconds;
    while (rates.length < this.options.warmupMaxRounds) {
      const result = await runLoadInWorker(
        spec(
          outcome.url,
          scenario.warmupRequests
            ? { amount: scenario.warmupRequests, timeoutSeconds: 120 }
            : { durationSeconds: roundSeconds, timeoutSeconds: 120 },
        ),
      );
      rates.push(result.requestsPerSecond);
      // A round too short to answer a few requests per connection says nothing: lengthen it.
      if (result.requests < scenario.connections * 3) roundSeconds = Math.min(roundSeconds * 2, 30);
      errors += result.failedResponses + result.connectionErrors + result.timeouts;
      firstError ??= result.firstError;
      if (warmupSettled(rates)) break;
    }
    const settled = warmupSettled(rates);
    this.log(
      `  warmed up ${outcome.contender}: ${rates.map((rate) => rate.toFixed(rate >= 100 ? 0 : 1)).join(' → ')} req/s` +
        `${settled ? '' : ` (not settled within ${rates.length} rounds)`}${errors ? `, ${errors} failed` : ''}`,
    );
    if (errors > 0) outcome.runs.push(this.failedWarmup(errors, firstError));
    return { rounds: rates.length, rates, settled };
  }

  /** Warm-up failures, kept as a run with no throughput so the scenario fails on them too. */
  private failedWarmup(errors: number, firstError: string | undefined): Measured {
    return {
      requests: 0,
      durationSeconds: 0,
      requestsPerSecond: Number.NaN,
      latency: {
        count: 0,
        mean: Number.NaN,
        p50: Number.NaN,
        p95: Number.NaN,
        p99: Number.NaN,
        max: Number.NaN,
      },
      errors,
      firstError: firstError ? `warm-up: ${firstError}` : 'warm-up',
      warmup: true,
    };
  }

  private async measure(
    contender: Contender,
    scenario: PreparedScenario,
    load: () => Promise<LoadResult>,
  ): Promise<Measured> {
    const gw = gatewayProcess(contender);
    const processes = Object.fromEntries(
      Object.entries(this.bench.pids).filter(([name]) => isSubgraphService(name) || name === gw),
    );
    await this.quiet();
    const sqlBefore = await this.sql?.sample();
    const cpuBefore = sampleCpu(processes);
    const started = Date.now();
    const result = await load();
    const cpuAfter = sampleCpu(processes);
    const loadSeconds = (Date.now() - started) / 1000;
    const cpuTicks = Object.fromEntries(
      Object.keys(cpuAfter).map((name) => [name, (cpuAfter[name] ?? 0) - (cpuBefore[name] ?? 0)]),
    );
    let sql: SqlPerRequest | undefined;
    if (this.sql && sqlBefore) {
      // What the requests set off after answering (the outbox relay publishing their events) belongs to them.
      await sleep(SETTLE_MS);
      if (scenario.writesRegistry) {
        // Everything its events set off (other services consuming them) is the import's work too.
        await outboxDrained(this.options.databaseUrl, `${this.options.databasePrefix}_registry`);
        await this.quiet();
      }
      sql = sqlPerRequest(
        sqlBefore,
        await this.sql.sample(),
        result.requests,
        (Date.now() - started) / 1000,
        this.background,
        this.bench.databases,
      );
    }
    return {
      requests: result.requests,
      durationSeconds: result.durationSeconds,
      requestsPerSecond: result.requestsPerSecond,
      latency: result.latency,
      errors: result.failedResponses + result.connectionErrors + result.timeouts,
      firstError: result.firstError,
      sql,
      cpuShare: cpuShares(cpuBefore, cpuAfter),
      cpuMs: cpuMillisPerRequest(cpuBefore, cpuAfter, result.requests),
      cpuTicks,
      loadSeconds,
      cpuMsNet: this.netOfIdle(cpuTicks, result.requests, loadSeconds),
    };
  }
}

/** After a run, how long its after-effects (outbox relays poll every 200 ms) may take to show. */
const SETTLE_MS = 1_000;
