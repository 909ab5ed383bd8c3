import { randomBytes } from 'node:crypto';
import { createServer, Socket, type Server } from 'node:net';
import type { AddressInfo } from 'node:net';
import { parse } from 'graphql';
import { Client } from 'pg';
import type { DataSource } from 'typeorm';
import { connect, type NatsConnection } from 'nats';
import { PUBLIC_VIEWER } from '@iso20000/auth';
import { testServerUrl } from '@iso20000/testing';
import {
  checkReadiness,
  createDataSource,
  createLogger,
  createSubgraph,
  databaseCheck,
  ensureDatabase,
  natsCheck,
  serveHttp,
  type BaseContext,
  type DatabaseTimeouts,
  type RunningHttpServer,
} from '../src';
import { databaseBusyOf, toClientError } from '../src/errors';

const logger = createLogger('service-kit-test', 'silent');
const name = `kit_timeouts_${randomBytes(4).toString('hex')}`;
const url = (() => {
  const u = new URL(testServerUrl());
  u.pathname = `/${name}`;
  return u.toString();
})();

/** A TCP proxy in front of PostgreSQL that can stop passing bytes: the database freezes for the client. */
class FreezableProxy {
  private server!: Server;
  private readonly sockets = new Set<Socket>();
  frozen = false;
  port = 0;

  async start(target: URL): Promise<void> {
    this.server = createServer((client) => {
      const upstream = new Socket();
      upstream.connect(Number(target.port || 5432), target.hostname);
      for (const [from, to] of [
        [client, upstream],
        [upstream, client],
      ] as const) {
        this.sockets.add(from);
        from.on('data', (chunk) => {
          // frozen: bytes are swallowed, as from a database process that no longer answers
          if (!this.frozen) to.write(chunk);
        });
        from.on('error', () => to.destroy());
        from.on('close', () => to.destroy());
      }
    });
    await new Promise<void>((resolve) => this.server.listen(0, '127.0.0.1', resolve));
    this.port = (this.server.address() as AddressInfo).port;
  }

  urlFor(database: string): string {
    const u = new URL(testServerUrl());
    u.hostname = '127.0.0.1';
    u.port = String(this.port);
    u.pathname = `/${database}`;
    return u.toString();
  }

  async stop(): Promise<void> {
    for (const socket of this.sockets) socket.destroy();
    await new Promise<void>((resolve) => this.server.close(() => resolve()));
  }
}

const open = async (timeouts: Partial<DatabaseTimeouts>, poolSize = 3, at = url): Promise<DataSource> => {
  const dataSource = createDataSource({ url: at, entities: [], migrations: [], logger, poolSize, timeouts });
  await dataSource.initialize();
  return dataSource;
};

let admin: Client;

beforeAll(async () => {
  await ensureDatabase(url);
  admin = new Client({ connectionString: url });
  await admin.connect();
  await admin.query('CREATE TABLE organization (id int PRIMARY KEY, name text NOT NULL)');
  await admin.query("INSERT INTO organization VALUES (1, 'Acme')");
});

afterAll(async () => {
  await admin.end();
  const server = new Client({ connectionString: testServerUrl() });
  await server.connect();
  await server.query(`DROP DATABASE IF EXISTS "${name}" WITH (FORCE)`);
  await server.end();
});

/** Another session holds ACCESS EXCLUSIVE on the table until `release()`. */
async function lockOrganizationTable(): Promise<{ release(): Promise<void> }> {
  const holder = new Client({ connectionString: url });
  await holder.connect();
  await holder.query('BEGIN');
  await holder.query('LOCK TABLE organization IN ACCESS EXCLUSIVE MODE');
  return {
    async release() {
      await holder.query('ROLLBACK');
      await holder.end();
    },
  };
}

describe('PostgreSQL time limits', () => {
  it('a statement waiting for a locked table fails within the lock timeout, as a retryable SERVICE_UNAVAILABLE', async () => {
    const dataSource = await open({ lockMs: 300 });
    const lock = await lockOrganizationTable();
    try {
      const started = Date.now();
      const error = await dataSource.query('SELECT name FROM organization').catch((e: unknown) => e);
      expect(Date.now() - started).toBeLessThan(2_000);
      expect(databaseBusyOf(error)).toMatch(/locked by other work/);
      expect(toClientError(error)?.extensions).toMatchObject({
        code: 'SERVICE_UNAVAILABLE',
        retryable: true,
      });
    } finally {
      await lock.release();
      await dataSource.destroy();
    }
  });

  it('a statement running past the statement timeout is cancelled', async () => {
    const dataSource = await open({ statementMs: 300 });
    try {
      const started = Date.now();
      const error = await dataSource.query('SELECT pg_sleep(5)').catch((e: unknown) => e);
      expect(Date.now() - started).toBeLessThan(2_000);
      expect(databaseBusyOf(error)).toMatch(/took too long/);
    } finally {
      await dataSource.destroy();
    }
  });

  it('a transaction left idle loses its session instead of holding its locks', async () => {
    const dataSource = await open({ idleInTransactionMs: 300 });
    const runner = dataSource.createQueryRunner();
    try {
      await runner.startTransaction();
      await runner.query('SELECT name FROM organization FOR UPDATE');
      await new Promise((resolve) => setTimeout(resolve, 800));
      // the row lock is gone: another session may take it at once
      const other = await open({ lockMs: 200 }, 1);
      try {
        await expect(other.query('SELECT name FROM organization FOR UPDATE')).resolves.toHaveLength(1);
      } finally {
        await other.destroy();
      }
    } finally {
      await runner.release().catch(() => undefined);
      await dataSource.destroy();
    }
  });

  it('waiting for a connection from a full pool ends at the connect timeout', async () => {
    const dataSource = await open({ connectMs: 300 }, 1);
    const held = dataSource.createQueryRunner();
    await held.connect();
    try {
      const started = Date.now();
      const error = await dataSource.query('SELECT 1').catch((e: unknown) => e);
      expect(Date.now() - started).toBeLessThan(2_000);
      expect(databaseBusyOf(error)).toMatch(/not answering/);
    } finally {
      await held.release();
      await dataSource.destroy();
    }
  });

  it('long jobs keep their own limit inside a transaction (SET LOCAL), the pool keeps the default', async () => {
    const { inLongTransaction } = await import('../src');
    const dataSource = await open({ statementMs: 200 });
    try {
      await expect(
        inLongTransaction(dataSource, 0, (manager) => manager.query('SELECT pg_sleep(0.5)')),
      ).resolves.toBeDefined();
      await expect(dataSource.query('SELECT pg_sleep(0.5)')).rejects.toMatchObject({
        driverError: expect.objectContaining({ code: '57014' }),
      });
    } finally {
      await dataSource.destroy();
    }
  });
});

describe('a subgraph over a locked or frozen database', () => {
  const proxy = new FreezableProxy();
  let dataSource: DataSource;
  let nc: NatsConnection;
  let http: RunningHttpServer;

  beforeAll(async () => {
    await proxy.start(new URL(testServerUrl()));
    dataSource = await open({ lockMs: 500, connectMs: 500 }, 3, proxy.urlFor(name));
    nc = await connect({ servers: process.env.NATS_URL ?? 'nats://127.0.0.1:4222' });
    const apollo = createSubgraph<BaseContext>({
      name: 'probe',
      typeDefs: parse('type Query { organizationName: String }'),
      resolvers: {
        Query: {
          organizationName: async () => {
            const rows: Array<{ name: string }> = await dataSource.query('SELECT name FROM organization');
            return rows[0]?.name ?? null;
          },
        },
      },
      logger,
      production: true,
    });
    await apollo.start();
    http = await serveHttp({
      port: 0,
      host: '127.0.0.1',
      apollo,
      context: async () => {
        const context = { requestId: 'r', viewer: PUBLIC_VIEWER, logger, clientAddress: undefined };
        return context as BaseContext;
      },
      ready: () => checkReadiness({ database: databaseCheck(dataSource), nats: natsCheck(nc) }),
      logger,
    });
  });

  afterAll(async () => {
    await http.close();
    proxy.frozen = false;
    await dataSource.destroy().catch(() => undefined);
    await nc.close();
    await proxy.stop();
  });

  const ready = async () => {
    const started = Date.now();
    const res = await fetch(http.url.replace('/graphql', '/ready'));
    return {
      status: res.status,
      body: (await res.json()) as Record<string, unknown>,
      ms: Date.now() - started,
    };
  };

  it('reports the database and NATS when both answer', async () => {
    const answer = await ready();
    expect(answer).toMatchObject({
      status: 200,
      body: { status: 'ready', checks: { database: 'ok', nats: 'ok' } },
    });
  });

  it('a request on a locked table fails within the lock timeout with a clear error; /ready stays fast', async () => {
    const lock = await lockOrganizationTable();
    try {
      const started = Date.now();
      const res = await fetch(http.url, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ query: '{ organizationName }' }),
      });
      const body = (await res.json()) as { errors: Array<{ message: string; extensions: { code: string } }> };
      expect(Date.now() - started).toBeLessThan(2_000);
      // the whole answer: a clear, retryable code and nothing of the driver's error
      expect(body.errors[0].extensions).toEqual({ code: 'SERVICE_UNAVAILABLE', retryable: true });
      expect(body.errors[0].message).toMatch(/locked by other work; nothing was changed/);
      const answer = await ready();
      expect(answer.status).toBe(200);
      expect(answer.ms).toBeLessThan(1_000);
    } finally {
      await lock.release();
    }
  });

  it('a frozen database: /ready is 503 within a second, naming the database', async () => {
    proxy.frozen = true;
    try {
      const answer = await ready();
      expect(answer.ms).toBeLessThan(1_000);
      expect(answer).toMatchObject({
        status: 503,
        body: { status: 'not ready', checks: { database: 'timeout', nats: 'ok' } },
      });
    } finally {
      proxy.frozen = false;
    }
  });
});
