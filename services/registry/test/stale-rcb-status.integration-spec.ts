import { randomUUID } from 'node:crypto';
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
import { registryServiceConfig } from '../src/config';
import { entities, migrations } from '../src/data-source';
import { buildService, type RegistryService } from '../src/server';
import { ISSUE, issueInput, key } from './harness';

// A private nats-server, so that stopping it hurts nobody else's tests.
describe('writes that depend on an RCB status while the copy cannot be shown current', () => {
  const namespace = testNamespace('rstl');
  const logger = createLogger('registry-test', process.env.LOG_LEVEL ?? 'silent');
  const rcbId = randomUUID();
  const asRcb = viewers.rcbIntegration(rcbId);
  let server: LocalNatsServer;
  let db: TestDatabase;
  let nc: NatsConnection;
  let service: RegistryService;

  const issue = () => {
    const base = { requestId: randomUUID(), viewer: asRcb, logger, clientAddress: '127.0.0.1' };
    return executeOperation(
      service.apollo,
      { query: ISSUE, variables: { input: issueInput(), key: key() } },
      service.contextFor(base as BaseContext),
    );
  };

  const setStatus = async (status: 'APPOINTED' | 'SUSPENDED') => {
    const changedAt = new Date().toISOString();
    const payload = { rcbId, name: 'Alpha Certification', status, previousStatus: null, changedAt };
    // as accreditation's relay would: retried until JetStream acknowledges it
    await eventually(
      () =>
        publishEvent(nc, namespace, Events.RcbStatusChanged, {
          ...payload,
          reason: status === 'APPOINTED' ? null : 'nonconformity',
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
          (await db.dataSource.query(`SELECT 1 FROM rcb WHERE id = $1 AND status_changed_at = $2`, [
            rcbId,
            changedAt,
          ])) as unknown[]
        ).length
          ? true
          : undefined,
      10_000,
      `RCB ${status}`,
    );
  };

  const certifications = async () =>
    Number(
      (
        (await db.dataSource.query(`SELECT count(*) AS n FROM organization_certification`)) as { n: string }[]
      )[0].n,
    );

  beforeAll(async () => {
    [server, db] = await Promise.all([
      LocalNatsServer.start(),
      createTestDatabase('registry', { entities, migrations }),
    ]);
    nc = await connectNats(server.url, 'registry-stale-test', { reconnectTimeWait: 100 });
    await ensureStreams(nc, namespace);
    const config = loadConfig(registryServiceConfig, {
      NODE_ENV: 'test',
      PORT: '0',
      DATABASE_URL: db.url,
      EVENTS_NAMESPACE: namespace,
      AUTH_DEV_SECRET: TEST_AUTH_SECRET,
      REGISTRY_EXPIRY_INTERVAL_MS: '3600000',
      REPLICA_MAX_STALENESS_MS: '1000',
    });
    service = await buildService({ dataSource: db.dataSource, nc, namespace, logger, config });
    await service.start();
  });

  afterAll(async () => {
    await service?.stop();
    await nc?.close();
    await Promise.all([server?.dispose(), db?.dispose()]);
  });

  it('refuses them with a retryable SERVICE_UNAVAILABLE while NATS is down, and a suspension sent meanwhile holds once it arrives', async () => {
    await setStatus('APPOINTED');
    expect(errorCodes(await issue())).toEqual([]);
    // past the bound with a healthy bus: still accepted
    await sleep(1_500);
    expect(errorCodes(await issue())).toEqual([]);
    const before = await certifications();

    await server.halt();
    await sleep(1_500);
    const refused = await issue();
    expect(errorCodes(refused)).toEqual(['SERVICE_UNAVAILABLE']);
    expect(refused.errors?.[0].extensions?.retryAfterSeconds).toBeGreaterThanOrEqual(1);
    expect(await certifications()).toBe(before);

    // the suspension was decided while the bus was down; once delivered, the RCB cannot issue
    await server.resume();
    await setStatus('SUSPENDED');
    const afterSuspension = await issue();
    expect(errorCodes(afterSuspension)).not.toEqual([]);
    expect(errorCodes(afterSuspension)).not.toContain('SERVICE_UNAVAILABLE');
    expect(await certifications()).toBe(before);
  });
});
