import { republishOutbox } from '@iso20000/events';
import { SUBGRAPH_SERVICES } from '@iso20000/topology';
import { DataSource } from 'typeorm';

// `npm run republish-outbox -- --service exam --since 2026-11-01T00:00:00Z`: after the event store lost
// its streams (docs/operations.md). The service's relay publishes the rows again; DATABASE_URL is the
// service's database (else the local `iso20000_<service>` of `npm start`).
const usage = `usage: npm run republish-outbox -- --service ${SUBGRAPH_SERVICES.join('|')} --since <ISO 8601 time>`;

function option(name: string): string | undefined {
  const index = process.argv.indexOf(`--${name}`);
  return index > 0 ? process.argv[index + 1] : undefined;
}

async function main(): Promise<void> {
  const service = option('service');
  const since = new Date(option('since') ?? '');
  if (
    !service ||
    !(SUBGRAPH_SERVICES as readonly string[]).includes(service) ||
    Number.isNaN(since.getTime())
  ) {
    throw new Error(usage);
  }
  const dataSource = new DataSource({
    type: 'postgres',
    url: process.env.DATABASE_URL ?? `postgres://postgres@127.0.0.1:5432/iso20000_${service}`,
    logging: ['error'],
  });
  await dataSource.initialize();
  try {
    const count = await republishOutbox(dataSource, since);
    process.stdout.write(
      `${count} events of ${service} since ${since.toISOString()} will be published again\n`,
    );
  } finally {
    await dataSource.destroy();
  }
}

main().catch((error: unknown) => {
  process.stderr.write(`${error instanceof Error ? error.message : String(error)}\n`);
  process.exit(1);
});
