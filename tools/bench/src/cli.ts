import { mkdirSync, writeFileSync } from 'node:fs';
import { availableParallelism, cpus, totalmem } from 'node:os';
import { join } from 'node:path';
import { workspaceRoot } from '@iso20000/tool-dev/src/infrastructure';
import { Client } from 'pg';
import { allProcStats, descendantPids } from './cpu';
import { ensureBenchData } from './data';
import { startBenchNats, type BenchNats } from './nats';
import { lockDataDir, startBenchPostgres, type BenchPostgres } from './postgres';
import { resetRegistryWrites } from './registry-reset';
import { BENCH_USAGE, BenchUsageError, parseBenchOptions, type BenchOptions } from './options';
import { formatSuite } from './report';
import { BenchRunner, type ScenarioOutcome } from './runner';
import { SCENARIOS, ScenarioUnavailable, type PreparedScenario } from './scenarios';
import { SqlStats } from './sql-stats';
import { startBenchSystem, type BenchSystem } from './system';

const log = (line: string) => process.stdout.write(`${line}\n`);

/**
 * One bench per database prefix: on an existing server, a session advisory lock (released when this
 * process ends, however it ends); the bench's own server is locked by its data directory.
 */
async function lockPrefix(serverUrl: string, prefix: string): Promise<() => Promise<void>> {
  const url = new URL(serverUrl);
  url.pathname = '/postgres';
  const client = new Client({ connectionString: url.toString() });
  await client.connect();
  const { rows } = await client.query<{ locked: boolean }>(
    'SELECT pg_try_advisory_lock(hashtext($1)) AS locked',
    [`iso20000-bench:${prefix}`],
  );
  if (!rows[0].locked) {
    await client.end();
    throw new Error(
      `another bench is using the databases ${prefix}_* on ${url.host}; wait for it, or pass another --database-prefix`,
    );
  }
  return () => client.end();
}

/** SIGTERM to every process below this one, then SIGKILL to those still there 3 s later. */
async function killDescendants(): Promise<void> {
  const signalAll = (signal: NodeJS.Signals) => {
    const pids = descendantPids(process.pid, allProcStats());
    for (const pid of pids.reverse()) {
      try {
        process.kill(pid, signal);
      } catch {
        // gone already
      }
    }
    return pids.length;
  };
  const left = signalAll('SIGTERM');
  if (left === 0) return;
  log(`killing ${left} process(es) still running`);
  await new Promise((resolve) => setTimeout(resolve, 3_000));
  signalAll('SIGKILL');
}

async function main(parsed: BenchOptions): Promise<number> {
  const started = Date.now();
  const elapsed = () => `${((Date.now() - started) / 1000).toFixed(0)} s`;
  let bench: BenchSystem | undefined;
  let sql: SqlStats | undefined;
  let postgres: BenchPostgres | undefined;
  let nats: BenchNats | undefined;
  let unlock: (() => void | Promise<void>) | undefined;
  let interrupted = false;
  const stop = async () => {
    await sql?.close().catch(() => undefined);
    await bench?.stop().catch((error: unknown) => log(`stopping: ${String(error)}`));
    await nats?.stop().catch((error: unknown) => log(`stopping NATS: ${String(error)}`));
    await postgres?.stop().catch((error: unknown) => log(`stopping PostgreSQL: ${String(error)}`));
    await unlock?.();
  };
  for (const signal of ['SIGINT', 'SIGTERM'] as const)
    process.once(signal, () => {
      interrupted = true;
      log(`\n${signal}: stopping everything`);
      // A signal during start-up finds the system half started (nothing to stop() yet): whatever is
      // still running below this process once stop() is done, or after 20 s, is killed.
      const settled = new Promise<void>((resolve) => setTimeout(resolve, 20_000).unref());
      void Promise.race([stop(), settled])
        .then(() => killDescendants())
        .then(() => process.exit(130));
    });

  const results: ScenarioOutcome[] = [];
  let options = parsed as BenchOptions & { databaseUrl: string };
  try {
    if (parsed.databaseUrl) {
      unlock = await lockPrefix(parsed.databaseUrl, parsed.databasePrefix);
    } else {
      unlock = lockDataDir(parsed.pgData, `the bench PostgreSQL data directory ${parsed.pgData}`);
      postgres = await startBenchPostgres({ dataDir: parsed.pgData, log });
      options = { ...parsed, databaseUrl: postgres.url };
    }
    nats = await startBenchNats({ dir: `${parsed.pgData}-nats`, namespace: parsed.databasePrefix, log });
    bench = await startBenchSystem({
      databaseUrl: options.databaseUrl,
      nats,
      databasePrefix: options.databasePrefix,
      workers: options.workers,
      nodeEnv: options.nodeEnv,
      gatewayEnv: options.gatewayEnv,
      contenders: options.contenders,
      cpuProfileDir: options.cpuProfileDir,
      beforeTree: options.beforeTree,
      log,
    });
    const running = options.contenders.filter((name) => name === 'direct' || bench?.urls[name]);
    log(`running after ${elapsed()}: ${running.join(', ')}`);
    if (options.seed) await ensureBenchData(options, log);
    if (options.seedOnly) {
      log(`seeded after ${elapsed()}; --seed-only: nothing measured`);
      return 0;
    }
    // Reads are measured on the seeded rows and the fixture only: what earlier bulk imports left is deleted.
    const leftover = await resetRegistryWrites(
      options.databaseUrl,
      `${options.databasePrefix}_registry`,
      true,
    );
    if (leftover.certifications)
      log(`registry: deleted ${leftover.certifications} certifications left by earlier bulk imports`);
    try {
      sql = await SqlStats.open(options.databaseUrl, bench.databases);
    } catch (error) {
      log(`SQL per request unavailable: ${error instanceof Error ? error.message : String(error)}`);
    }
    const runner = new BenchRunner(bench, sql, options, log);
    log("measuring the services' background SQL while idle (3 s)");
    await runner.measureBackground(3);

    for (const suite of options.suites) {
      log(`\n### suite ${suite}`);
      const suiteResults: ScenarioOutcome[] = [];
      for (const definition of SCENARIOS.filter((s) => s.suite === suite)) {
        if (interrupted) return 130;
        if (
          options.only &&
          !options.only
            .toLowerCase()
            .split(',')
            .some((part) => definition.name.toLowerCase().includes(part.trim()))
        )
          continue;
        log(`\n- ${definition.name} (${elapsed()})`);
        let prepared: PreparedScenario[];
        try {
          prepared = await definition.prepare({ bench, log, options: { bulkRecords: options.bulkRecords } });
        } catch (error) {
          const reason =
            error instanceof ScenarioUnavailable ? error.message : `setup failed: ${String(error)}`;
          log(`  skipped: ${reason}`);
          suiteResults.push({
            suite,
            scenario: definition.name,
            connections: 0,
            outcomes: [{ contender: 'ours', url: '', skipped: reason, runs: [] }],
          });
          continue;
        }
        for (const scenario of prepared) {
          if (prepared.length > 1) log(`  variant: ${scenario.name}`);
          suiteResults.push(await runner.run(scenario));
        }
      }
      await runner.idleAgain(suiteResults);
      results.push(...suiteResults);
      log(formatSuite(`suite ${suite}`, suiteResults));
    }
  } finally {
    if (!interrupted) {
      const file = writeResults(options, results, bench);
      log(`\nresults written to ${file} (${elapsed()})`);
      await stop();
    }
  }
  const failed = results.flatMap((scenario) =>
    scenario.outcomes
      .filter((outcome) => outcome.failed)
      .map((outcome) => `${scenario.scenario}: ${outcome.contender}`),
  );
  if (failed.length) {
    log(`\nFAILED (requests failed, figures not comparable): ${failed.join('; ')}`);
    return 1;
  }
  return 0;
}

function writeResults(
  options: BenchOptions,
  results: ScenarioOutcome[],
  bench: BenchSystem | undefined,
): string {
  const dir = join(workspaceRoot, 'bench-results');
  mkdirSync(dir, { recursive: true });
  const file = join(dir, `${new Date().toISOString().replace(/[:.]/g, '-')}.json`);
  const machine = {
    cpus: availableParallelism(),
    cpuModel: cpus()[0]?.model,
    memoryGiB: Math.round(totalmem() / 2 ** 30),
    node: process.version,
  };
  const { gatewayEnv, databaseUrl, ...settings } = options;
  writeFileSync(
    file,
    `${JSON.stringify({ at: new Date().toISOString(), label: options.label, machine, settings: { ...settings, databaseServer: databaseUrl ? new URL(databaseUrl).host : undefined }, gatewayEnv, pids: bench?.pids, unavailable: bench?.unavailable, results }, null, 2)}\n`,
  );
  return file;
}

let options: BenchOptions;
try {
  options = parseBenchOptions(process.argv.slice(2));
} catch (error) {
  if (!(error instanceof BenchUsageError)) throw error;
  if (error.message) process.stderr.write(`${error.message}\n\n`);
  process.stderr.write(`${BENCH_USAGE}\n`);
  process.exit(error.message ? 2 : 0);
}
main(options).then(
  (code) => process.exit(code),
  (error: unknown) => {
    process.stderr.write(
      `bench failed: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`,
    );
    process.exit(1);
  },
);
