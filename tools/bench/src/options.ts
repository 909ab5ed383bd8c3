import { availableParallelism } from 'node:os';
import { parseArgs } from 'node:util';
import { CONTENDERS, DEFAULT_CONTENDERS, SUITES, type Contender, type Suite } from './scenarios';

export interface BenchOptions {
  suites: Suite[];
  durationSeconds: number;
  warmupSeconds: number;
  warmupMaxRounds: number;
  repeats: number;
  workers: number;
  nodeEnv: 'production' | 'development';
  contenders: Contender[];
  seed: boolean;
  /** Seed what the suites need, then stop (no measuring). */
  seedOnly: boolean;
  sittings: number;
  organizations: number;
  certifications: number;
  bulkRecords: number;
  /** An existing PostgreSQL server; undefined: the bench's own (src/postgres.ts) in pgData. */
  databaseUrl?: string;
  pgData: string;
  databasePrefix: string;
  gatewayEnv: Record<string, string>;
  only?: string;
  label?: string;
  cpuProfileDir?: string;
  /** A checkout of an earlier commit (git worktree with node_modules) whose gateway runs as `before`. */
  beforeTree?: string;
}

export const BENCH_USAGE = `npm run bench -- [options]

  --suite gateway|statistics|registry|all   what to measure (default: gateway)
  --duration S        seconds per timed run (default 5)
  --repeats N         timed runs per contender, alternating contenders (default 3)
  --warmup S          seconds per warm-up round (default 2); rounds repeat until throughput settles
  --warmup-rounds N   most warm-up rounds per contender and scenario (default 10)
  --workers N         processes for every gateway alike (default: cores)
  --node-env E        production (default) or development
  --contenders LIST   ${CONTENDERS.join(',')}
                      (default ${DEFAULT_CONTENDERS.join(',')}; ours always runs)
  --gateway-env K=V   extra environment for our gateways (repeatable), for tuning experiments
  --only A,B          only scenarios whose name contains A or B
  --no-hive           leave both Hive Gateways out
  --no-seed           never seed; scenarios without data are skipped
  --seed-only         seed what the suites need (logging how long it takes), then stop
  --sittings N        exam history to seed for the statistics suite when absent (default 1000000)
  --organizations N   registry organizations to seed when absent (default 60000)
  --certifications N  registry certifications to seed with them (default 100000)
  --bulk-records N    registry suite: records in the bulk import (default 100000)
  --database-prefix P databases P_<service>, events namespace P (default iso20000_bench); one bench
                      per prefix at a time (a lock)
  --pg-data DIR       the bench's own PostgreSQL data directory (default /var/tmp/iso20000-bench/<prefix>);
                      its own nats-server keeps its users and JetStream in DIR-nats
  --database-url URL  an existing PostgreSQL server instead of the bench's own (SQL per request
                      needs pg_stat_statements loaded there)
  --label TEXT        stored with the JSON results (e.g. "before keep-alive")
  --cpu-prof DIR      V8 CPU profiles of the ours-planned gateway (each worker), written when it stops
  --before DIR        a git worktree of an earlier commit (node_modules linked to this checkout's):
                      contenders before and before-planned run its gateway on the same subgraphs`;

export class BenchUsageError extends Error {}

const number = (name: string, value: string, min: number) => {
  const parsed = Number(value);
  if (!Number.isFinite(parsed) || parsed < min)
    throw new BenchUsageError(`--${name} must be a number >= ${min}`);
  return parsed;
};

export function parseBenchOptions(argv: string[], _env: NodeJS.ProcessEnv = process.env): BenchOptions {
  let values;
  try {
    ({ values } = parseArgs({
      args: argv.filter((arg) => arg !== '--'),
      options: {
        suite: { type: 'string', default: 'gateway' },
        duration: { type: 'string', default: '5' },
        repeats: { type: 'string', default: '3' },
        warmup: { type: 'string', default: '2' },
        'warmup-rounds': { type: 'string', default: '10' },
        contenders: { type: 'string' },
        workers: { type: 'string' },
        'node-env': { type: 'string', default: 'production' },
        'gateway-env': { type: 'string', multiple: true, default: [] },
        only: { type: 'string' },
        'no-hive': { type: 'boolean', default: false },
        'no-seed': { type: 'boolean', default: false },
        'seed-only': { type: 'boolean', default: false },
        sittings: { type: 'string', default: '1000000' },
        organizations: { type: 'string', default: '60000' },
        certifications: { type: 'string', default: '100000' },
        'pg-data': { type: 'string' },
        'bulk-records': { type: 'string', default: '100000' },
        'database-url': { type: 'string' },
        'database-prefix': { type: 'string', default: 'iso20000_bench' },
        label: { type: 'string' },
        'cpu-prof': { type: 'string' },
        before: { type: 'string' },
        help: { type: 'boolean', default: false },
      },
    }));
  } catch (error) {
    throw new BenchUsageError(error instanceof Error ? error.message : String(error));
  }
  if (values.help) throw new BenchUsageError('');
  const suites: Suite[] =
    values.suite === 'all'
      ? SUITES
      : values.suite.split(',').map((suite) => {
          if (!SUITES.includes(suite as Suite)) throw new BenchUsageError(`unknown suite "${suite}"`);
          return suite as Suite;
        });
  const nodeEnv = values['node-env'];
  if (nodeEnv !== 'production' && nodeEnv !== 'development')
    throw new BenchUsageError('--node-env must be production or development');
  const gatewayEnv: Record<string, string> = {};
  for (const pair of values['gateway-env']) {
    const at = pair.indexOf('=');
    if (at < 1) throw new BenchUsageError(`--gateway-env takes KEY=VALUE, got "${pair}"`);
    gatewayEnv[pair.slice(0, at)] = pair.slice(at + 1);
  }
  if (!/^[a-z][a-z0-9_]*$/.test(values['database-prefix']))
    throw new BenchUsageError('--database-prefix: lower-case letters, digits and _');
  let contenders: Contender[] = values.contenders
    ? values.contenders.split(',').map((name) => {
        const trimmed = name.trim();
        if (!CONTENDERS.includes(trimmed as Contender))
          throw new BenchUsageError(`unknown contender "${trimmed}" (${CONTENDERS.join(', ')})`);
        return trimmed as Contender;
      })
    : [...DEFAULT_CONTENDERS];
  if (values['no-hive']) contenders = contenders.filter((name) => name !== 'hive' && name !== 'hive-rust');
  if (!values.before && contenders.some((name) => name === 'before' || name === 'before-planned'))
    throw new BenchUsageError('contenders before and before-planned need --before DIR');
  // Ours is the reference every ratio is taken against.
  if (!contenders.includes('ours')) contenders.unshift('ours');
  const prefix = values['database-prefix'];
  return {
    suites,
    durationSeconds: number('duration', values.duration, 1),
    warmupSeconds: number('warmup', values.warmup, 0),
    warmupMaxRounds: Math.round(number('warmup-rounds', values['warmup-rounds'], 2)),
    repeats: Math.round(number('repeats', values.repeats, 1)),
    workers: Math.round(number('workers', values.workers ?? String(availableParallelism()), 1)),
    nodeEnv,
    contenders: [...new Set(contenders)],
    seed: !values['no-seed'],
    seedOnly: values['seed-only'],
    sittings: Math.round(number('sittings', values.sittings, 1)),
    organizations: Math.round(number('organizations', values.organizations, 1000)),
    certifications: Math.round(number('certifications', values.certifications, 1000)),
    bulkRecords: Math.round(number('bulk-records', values['bulk-records'], 1000)),
    databaseUrl: values['database-url'],
    pgData: values['pg-data'] ?? `/var/tmp/iso20000-bench/${prefix}`,
    databasePrefix: prefix,
    gatewayEnv,
    only: values.only,
    label: values.label,
    cpuProfileDir: values['cpu-prof'],
    beforeTree: values.before,
  };
}
