import { mkdirSync, writeFileSync } from 'node:fs';
import { availableParallelism, cpus, totalmem } from 'node:os';
import { join } from 'node:path';
import { workspaceRoot } from '@iso20000/tool-dev/src/infrastructure';
import { ensureBenchData } from './data';
import { BENCH_USAGE, BenchUsageError, parseBenchOptions, type BenchOptions } from './options';
import { formatSuite } from './report';
import { BenchRunner, type ScenarioOutcome } from './runner';
import { SCENARIOS, ScenarioUnavailable, type PreparedScenario } from './scenarios';
import { SqlStats } from './sql-stats';
import { startBenchSystem, type BenchSystem } from './system';

const log = (line: string) => process.stdout.write(`${line}\n`);

async function main(options: BenchOptions): Promise<void> {
  const started = Date.now();
  const elapsed = () => `${((Date.now() - started) / 1000).toFixed(0)} s`;
  let bench: BenchSystem | undefined;
  let sql: SqlStats | undefined;
  let interrupted = false;
  const stop = async () => {
    await sql?.close().catch(() => undefined);
    await bench?.stop().catch((error: unknown) => log(`stopping: ${String(error)}`));
  };
  for (const signal of ['SIGINT', 'SIGTERM'] as const)
    process.once(signal, () => {
      interrupted = true;
      log(`\n${signal}: stopping everything`);
      void stop().then(() => process.exit(130));
    });

  const results: ScenarioOutcome[] = [];
  try {
    bench = await startBenchSystem({
      databaseUrl: options.databaseUrl,
      natsUrl: options.natsUrl,
      databasePrefix: options.databasePrefix,
      workers: options.workers,
      nodeEnv: options.nodeEnv,
      gatewayEnv: options.gatewayEnv,
      withHive: options.hive,
      log,
    });
    log(
      `running after ${elapsed()}: ours ${bench.urls.gateway}${options.hive ? `, Hive ${bench.urls.hive}` : ''}`,
    );
    if (options.seed) await ensureBenchData(options, log);
    try {
      sql = await SqlStats.open(options.databaseUrl, bench.databases);
    } catch (error) {
      log(`SQL statistics unavailable: ${String(error)}`);
    }
    const runner = new BenchRunner(bench, sql, options, log);
    log("measuring the services' background SQL while idle (3 s)");
    await runner.measureBackground(3);

    for (const suite of options.suites) {
      log(`\n### suite ${suite}`);
      const suiteResults: ScenarioOutcome[] = [];
      for (const definition of SCENARIOS.filter((s) => s.suite === suite)) {
        if (interrupted) return;
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
  const { gatewayEnv, ...settings } = options;
  writeFileSync(
    file,
    `${JSON.stringify({ at: new Date().toISOString(), label: options.label, machine, settings, gatewayEnv, pids: bench?.pids, results }, null, 2)}\n`,
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
  () => process.exit(0),
  (error: unknown) => {
    process.stderr.write(
      `bench failed: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`,
    );
    process.exit(1);
  },
);
