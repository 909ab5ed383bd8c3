import {
  connectNats,
  DeadLetterRefused,
  discardDeadLetter,
  findDeadLetter,
  listDeadLetters,
  replayDeadLetter,
  type DeadLetterRecord,
  type DeadLetterState,
} from '@iso20000/events';
import { SUBGRAPH_SERVICES, type SubgraphServiceName } from '@iso20000/topology';
import { DataSource } from 'typeorm';

// The operator's tool for dead letters, against one service's database (DATABASE_URL, else the
// local `iso20000_<service>` that `npm start` uses) and NATS (NATS_URL and its credentials):
//   npm run dead-letters -- list    --service exam [--consumer NAME] [--state open|replayed|discarded|all] [--limit N] [--json]
//   npm run dead-letters -- show    --service exam ID
//   npm run dead-letters -- replay  --service exam ID --by WHO [--reason TEXT]
//   npm run dead-letters -- discard --service exam ID --by WHO --reason TEXT
const usage =
  'usage: npm run dead-letters -- list|show|replay|discard --service exam|accreditation|certificate|registry ' +
  '[ID] [--consumer NAME] [--state open|replayed|discarded|all] [--limit N] [--json] [--by WHO] [--reason TEXT]';

const STATES: readonly DeadLetterState[] = ['open', 'replayed', 'discarded', 'all'];

class UsageError extends Error {}

interface Arguments {
  command: string;
  id?: string;
  options: Map<string, string | true>;
}

function parseArguments(argv: string[]): Arguments {
  const [command, ...rest] = argv;
  if (!command || command.startsWith('--')) throw new UsageError(usage);
  const options = new Map<string, string | true>();
  const positional: string[] = [];
  for (let i = 0; i < rest.length; i++) {
    const arg = rest[i];
    if (!arg.startsWith('--')) {
      positional.push(arg);
      continue;
    }
    const name = arg.slice(2);
    if (name === 'json') options.set(name, true);
    else if (i + 1 < rest.length) options.set(name, rest[++i]);
    else throw new UsageError(`--${name} needs a value\n${usage}`);
  }
  if (positional.length > 1) throw new UsageError(`one dead letter id at a time\n${usage}`);
  return { command, id: positional[0], options };
}

function text(args: Arguments, name: string): string | undefined {
  const value = args.options.get(name);
  return typeof value === 'string' ? value : undefined;
}

function serviceOf(args: Arguments): SubgraphServiceName {
  const service = text(args, 'service');
  if (!service || !(SUBGRAPH_SERVICES as readonly string[]).includes(service)) {
    throw new UsageError(`--service must be one of ${SUBGRAPH_SERVICES.join(', ')}\n${usage}`);
  }
  return service as SubgraphServiceName;
}

function databaseUrlOf(service: SubgraphServiceName): string {
  return process.env.DATABASE_URL ?? `postgres://postgres@127.0.0.1:5432/iso20000_${service}`;
}

function idOf(args: Arguments): string {
  if (!args.id) throw new UsageError(`${args.command} needs a dead letter id (from list)\n${usage}`);
  return args.id;
}

function summary(record: DeadLetterRecord): string {
  const state = record.resolution ? `${record.resolution} by ${record.resolvedBy}` : 'open';
  return [
    record.id,
    record.failedAt.toISOString(),
    record.consumer,
    record.subject,
    `event ${record.eventId ?? '(none)'}`,
    `${record.deliveries} deliveries`,
    state,
    record.error.split('\n')[0].slice(0, 160),
  ].join('  ');
}

async function run(args: Arguments, out: (line: string) => void): Promise<void> {
  const service = serviceOf(args);
  const dataSource = new DataSource({ type: 'postgres', url: databaseUrlOf(service), logging: ['error'] });
  await dataSource.initialize();
  try {
    switch (args.command) {
      case 'list': {
        const state = text(args, 'state') ?? 'open';
        if (!(STATES as readonly string[]).includes(state)) {
          throw new UsageError(`--state must be one of ${STATES.join(', ')}`);
        }
        const limit = text(args, 'limit');
        const records = await listDeadLetters(dataSource, {
          consumer: text(args, 'consumer'),
          state: state as DeadLetterState,
          limit: limit === undefined ? undefined : Number(limit),
        });
        if (args.options.get('json')) out(JSON.stringify(records, null, 2));
        else if (records.length === 0)
          out(`no ${state === 'all' ? '' : `${state} `}dead letters in ${service}`);
        else records.forEach((record) => out(summary(record)));
        return;
      }
      case 'show':
        out(JSON.stringify(await findDeadLetter(dataSource, idOf(args)), null, 2));
        return;
      case 'replay': {
        const id = idOf(args);
        const nc = await connectNats(
          process.env.NATS_URL ?? 'nats://127.0.0.1:4222',
          `dead-letters-${service}`,
          {
            maxReconnectAttempts: 0,
          },
        );
        try {
          const record = await replayDeadLetter(nc, {
            dataSource,
            id,
            by: text(args, 'by') ?? '',
            reason: text(args, 'reason'),
          });
          out(`replayed ${record.id} onto ${record.subject} (event ${record.eventId ?? '(none)'})`);
        } finally {
          await nc.close();
        }
        return;
      }
      case 'discard': {
        const record = await discardDeadLetter({
          dataSource,
          id: idOf(args),
          by: text(args, 'by') ?? '',
          reason: text(args, 'reason'),
        });
        out(`discarded ${record.id}: ${record.resolutionReason}`);
        return;
      }
      default:
        throw new UsageError(`unknown command "${args.command}"\n${usage}`);
    }
  } finally {
    await dataSource.destroy();
  }
}

async function main(): Promise<void> {
  await run(parseArguments(process.argv.slice(2)), (line) => process.stdout.write(`${line}\n`));
}

main().catch((error: unknown) => {
  const message = error instanceof Error ? error.message : String(error);
  process.stderr.write(error instanceof DeadLetterRefused ? `${error.code}: ${message}\n` : `${message}\n`);
  process.exit(error instanceof UsageError ? 2 : 1);
});
