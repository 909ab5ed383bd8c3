import { connectNats, rewindConsumers } from '@iso20000/events';
import { SUBGRAPH_SERVICES } from '@iso20000/topology';

// `npm run rewind-consumers -- --service certificate`: after the service's database was restored from a
// backup and before the service starts again (docs/operations.md). NATS_URL and EVENTS_NAMESPACE as the
// service has them.
const usage = `usage: npm run rewind-consumers -- --service ${SUBGRAPH_SERVICES.join('|')}`;

async function main(): Promise<void> {
  const index = process.argv.indexOf('--service');
  const service = index > 0 ? process.argv[index + 1] : undefined;
  if (!service || !(SUBGRAPH_SERVICES as readonly string[]).includes(service)) throw new Error(usage);
  const nc = await connectNats(process.env.NATS_URL ?? 'nats://127.0.0.1:4222', `rewind-${service}`, {
    maxReconnectAttempts: 0,
  });
  try {
    const deleted = await rewindConsumers(nc, service, process.env.EVENTS_NAMESPACE || undefined);
    process.stdout.write(
      deleted.length === 0
        ? `no durable consumers of ${service} to rewind\n`
        : `${deleted.map((name) => `rewound ${name}`).join('\n')}\nstart ${service} now: it reads every stream from its start\n`,
    );
  } finally {
    await nc.close();
  }
}

main().catch((error: unknown) => {
  process.stderr.write(`${error instanceof Error ? error.message : String(error)}\n`);
  process.exit(1);
});
