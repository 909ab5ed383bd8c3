import { availableParallelism } from 'node:os';
import { parseArgs } from 'node:util';
import { SUITES, type Suite } from './scenarios';

export interface BenchOptions {
  suites: Suite[];
  durationSeconds: number;
  warmupSeconds: number;
  repeats: number;
  workers: number;
  nodeEnv: 'production' | 'development';
  hive: boolean;
  seed: boolean;
  sittings: number;
  bulkRecords: number;
  databaseUrl: string;
  natsUrl: string;
  databasePrefix: string;
  gatewayEnv: Record<string, string>;
  only?: string;
  label?: string;
}

export const BENCH_USAGE = `npm run bench -- [options]

  --suite gateway|statistics|registry|all   what to measure (default: gateway)
  --duration S        seconds per timed run (default 5)
  --repeats N         timed runs per contender, alternating contenders (default 3)
  --warmup S          seconds of warm-up per contender and scenario (default 2)
  --workers N         processes for our gateway and for Hive alike (default: cores)
  --node-env E        production (default) or development
  --gateway-env K=V   extra environment for our gateway (repeatable), for tuning experiments
  --only A,B          only scenarios whose name contains A or B
  --no-hive           leave Hive Gateway out
  --no-seed           never seed; scenarios without data are skipped
  --sittings N        exam history to seed for the statistics suite when absent (default 1000000)
  --bulk-records N    registry suite: records in the bulk import (default 100000)
  --database-url URL  PostgreSQL server (default DATABASE_URL, else postgres://postgres@127.0.0.1:5432)
  --database-prefix P databases P_<service> (default iso20000_bench)
  --label TEXT        stored with the JSON results (e.g. "before keep-alive")`;

export class BenchUsageError extends Error {}

const number = (name: string, value: string, min: number) => {
  const parsed = Number(value);
  if (!Number.isFinite(parsed) || parsed < min)
    throw new BenchUsageError(`--${name} must be a number >= ${min}`);
  return parsed;
};

export function parseBenchOptions(argv: string[], env: NodeJS.ProcessEnv = process.env): BenchOptions {
  let values;
  try {
    ({ values } = parseArgs({
      args: argv.filter((arg) => arg !== '--'),
      options: {
        suite: { type: 'string', default: 'gateway' },
        duration: { type: 'string', default: '5' },
        repeats: { type: 'string', default: '3' },
        warmup: { type: 'string', default: '2' },
        workers: { type: 'string' },
        'node-env': { type: 'string', default: 'production' },
        'gateway-env': { type: 'string', multiple: true, default: [] },
        only: { type: 'string' },
        'no-hive': { type: 'boolean', default: false },
        'no-seed': { type: 'boolean', default: false },
        sittings: { type: 'string', default: '1000000' },
        'bulk-records': { type: 'string', default: '100000' },
        'database-url': { type: 'string' },
        'database-prefix': { type: 'string', default: 'iso20000_bench' },
        label: { type: 'string' },
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
  return {
    suites,
    durationSeconds: number('duration', values.duration, 1),
    warmupSeconds: number('warmup', values.warmup, 0),
    repeats: Math.round(number('repeats', values.repeats, 1)),
    workers: Math.round(number('workers', values.workers ?? String(availableParallelism()), 1)),
    nodeEnv,
    hive: !values['no-hive'],
    seed: !values['no-seed'],
    sittings: Math.round(number('sittings', values.sittings, 1)),
    bulkRecords: Math.round(number('bulk-records', values['bulk-records'], 1000)),
    databaseUrl: values['database-url'] ?? env.DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432',
    natsUrl: env.NATS_URL ?? 'nats://127.0.0.1:4222',
    databasePrefix: values['database-prefix'],
    gatewayEnv,
    only: values.only,
    label: values.label,
  };
}
