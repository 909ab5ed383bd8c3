import { randomUUID } from 'node:crypto';
import type { Viewer } from '@iso20000/auth';
import { connectNats, ensureStreams, Events } from '@iso20000/events';
import { createLogger, loadConfig, type BaseContext } from '@iso20000/service-kit';
import {
  createTestDatabase,
  errorCodes,
  eventually,
  executeOperation,
  LocalNatsServer,
  publishEvent,
  sleep,
  TEST_AUTH_SECRET,
  testNamespace,
  viewers,
  type TestDatabase,
} from '@iso20000/testing';
import type { NatsConnection } from 'nats';
import { examServiceConfig } from '../src/config';
import type { ServiceContext } from '../src/context';
import { entities, migrations } from '../src/data-source';
import { buildService, type ExamService } from '../src/server';
import { candidate, inDays, REGISTER, SCHEDULE, staff } from './exam-test-harness';

// A private nats-server, so that stopping it hurts nobody else's tests.
describe('registrations through an ATO while the copy of its status cannot be shown current', () => {
  const namespace = testNamespace('estl');
  const logger = createLogger('exam-test', process.env.LOG_LEVEL ?? 'silent');
  const atoId = randomUUID();
  let server: LocalNatsServer;
  let db: TestDatabase;
  let nc: NatsConnection;
  let service: ExamService;
  let sessionId: string;

  const run = (viewer: Viewer, query: string, variables: Record<string, unknown>) => {
    const base = { requestId: randomUUID(), viewer, logger, clientAddress: '127.0.0.1' };
    return executeOperation<ServiceContext, Record<string, { id: string }>>(
      service.apollo,
      { query, variables },
      service.contextFor(base as BaseContext),
    );
  };
  const register = () => run(candidate(), REGISTER, { input: { sessionId, language: 'en' } });

  const setStatus = async (status: 'ACCREDITED' | 'SUSPENDED') => {
    const changedAt = new Date().toISOString();
    // as accreditation's relay would: retried until JetStream acknowledges it
    await eventually(
      () =>
        publishEvent(nc, namespace, Events.AtoStatusChanged, {
          atoId,
          name: 'Service Academy',
          country: 'GB',
          status,
          previousStatus: null,
          reason: status === 'ACCREDITED' ? null : 'audit findings',
          changedAt,
        }).then(
          () => true,
          () => undefined,
        ),
      15_000,
      `${status} published`,
    );
    await eventually(
      async () =>
        (
          (await db.dataSource.query(`SELECT 1 FROM ato_statuses WHERE ato_id = $1 AND changed_at = $2`, [
            atoId,
            changedAt,
          ])) as unknown[]
        ).length
          ? true
          : undefined,
      10_000,
      `ATO ${status}`,
    );
  };

  const sittings = async () =>
    Number(((await db.dataSource.query(`SELECT count(*) AS n FROM sittings`)) as { n: string }[])[0].n);

  beforeAll(async () => {
    [server, db] = await Promise.all([
      LocalNatsServer.start(),
      createTestDatabase('exam', { entities, migrations }),
    ]);
    nc = await connectNats(server.url, 'exam-stale-test', { reconnectTimeWait: 100 });
    await ensureStreams(nc, namespace);
    const config = loadConfig(examServiceConfig, {
      NODE_ENV: 'test',
      PORT: '0',
      DATABASE_URL: db.url,
      EVENTS_NAMESPACE: namespace,
      AUTH_DEV_SECRET: TEST_AUTH_SECRET,
      REPLICA_MAX_STALENESS_MS: '1000',
    });
    service = await buildService({
      dataSource: db.dataSource,
      nc,
      namespace,
      logger,
      config,
      authenticator: { authenticate: async () => viewers.public },
    });
    await service.start();
    await setStatus('ACCREDITED');
    const scheduled = await run(staff, SCHEDULE, {
      input: {
        kind: 'ATO_COURSE',
        examCode: 'FOUNDATION',
        atoId,
        venue: 'Academy room 2',
        country: 'GB',
        startsAt: inDays(3),
        languages: ['en'],
        capacity: 50,
      },
    });
    expect(errorCodes(scheduled)).toEqual([]);
    sessionId = String(scheduled.data?.scheduleExamSession.id);
  });

  afterAll(async () => {
    await service?.stop();
    await nc?.close();
    await Promise.all([server?.dispose(), db?.dispose()]);
  });

  it('refuses them with a retryable SERVICE_UNAVAILABLE while NATS is down, and a suspension sent meanwhile holds once it arrives', async () => {
    expect(errorCodes(await register())).toEqual([]);
    await sleep(1_500);
    expect(errorCodes(await register())).toEqual([]);
    const before = await sittings();

    await server.halt();
    await sleep(1_500);
    const refused = await register();
    expect(errorCodes(refused)).toEqual(['SERVICE_UNAVAILABLE']);
    expect(refused.errors?.[0].extensions?.retryAfterSeconds).toBeGreaterThanOrEqual(1);
    expect(await sittings()).toBe(before);

    await server.resume();
    await setStatus('SUSPENDED');
    const afterSuspension = await register();
    expect(errorCodes(afterSuspension)).not.toEqual([]);
    expect(errorCodes(afterSuspension)).not.toContain('SERVICE_UNAVAILABLE');
    expect(await sittings()).toBe(before);
  });
});
