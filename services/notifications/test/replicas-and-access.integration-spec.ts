import { randomUUID } from 'node:crypto';
import { Events } from '@iso20000/events';
import { createLogger, encodeCursor, openDataSource } from '@iso20000/service-kit';
import { errorCodes, eventually, sleep, validPayloads, viewers, WebhookReceiver } from '@iso20000/testing';
import { deliverySettingsOf, loadNotificationsConfig } from '../src/config';
import { entities, migrations } from '../src/data-source';
import { SecretBox } from '../src/delivery/secret-box';
import { WebhookDispatcher } from '../src/delivery/webhook-dispatcher';
import {
  createEndpoint,
  deliveriesOf,
  FAST_DELIVERY_ENV,
  startNotificationsHarness,
  type NotificationsHarness,
} from './notifications-harness';

describe('three delivery workers on one database (replicas)', () => {
  let h: NotificationsHarness;
  let receiver: WebhookReceiver;
  const staff = viewers.schemeStaff();

  beforeAll(async () => {
    h = await startNotificationsHarness();
    receiver = await WebhookReceiver.start();
  });
  afterAll(async () => {
    await receiver?.close();
    await h?.close();
  });

  it('deliver each event once, and never more at a time than the endpoint allows', async () => {
    let inFlight = 0;
    let mostInFlight = 0;
    // a slow receiver keeps attempts overlapping, so a double claim would show
    const { createServer } = await import('node:http');
    const seen: string[] = [];
    const slow = createServer((req, res) => {
      inFlight++;
      mostInFlight = Math.max(mostInFlight, inFlight);
      seen.push(String(req.headers['webhook-id']));
      req.resume();
      setTimeout(() => {
        inFlight--;
        res.writeHead(200).end();
      }, 40);
    });
    await new Promise<void>((resolve) => slow.listen(0, '127.0.0.1', resolve));
    const url = `http://127.0.0.1:${(slow.address() as { port: number }).port}/`;
    // two more replicas' workers: their own pools on the same database
    const config = loadNotificationsConfig({
      NODE_ENV: 'test',
      DATABASE_URL: h.db.url,
      AUTH_DEV_SECRET: 'x'.repeat(32),
      ...FAST_DELIVERY_ENV,
    });
    const settings = deliverySettingsOf(config);
    const replicas = await Promise.all(
      [1, 2].map(async () => {
        const dataSource = await openDataSource({ url: h.db.url, entities, migrations, logger: h.logger });
        const dispatcher = new WebhookDispatcher({
          dataSource,
          settings,
          secrets: new SecretBox(settings.secretKey),
          logger: createLogger('replica', 'silent'),
        });
        await dispatcher.start();
        return { dataSource, dispatcher };
      }),
    );
    try {
      const { id } = await createEndpoint(h, staff, {
        url,
        eventTypes: ['ATO_STATUS_CHANGED'],
        maxConcurrency: 3,
      });
      for (let i = 0; i < 30; i++) await h.publish(Events.AtoStatusChanged, validPayloads().AtoStatusChanged);
      const done = await eventually(async () => {
        const { deliveries } = await deliveriesOf(h, staff, id);
        return deliveries.length === 30 && deliveries.every((d) => d.status === 'DELIVERED')
          ? deliveries
          : undefined;
      }, 30_000);
      await sleep(200);
      expect(seen).toHaveLength(30);
      expect(new Set(seen).size).toBe(30);
      expect(done.every((d) => d.attemptCount === 1)).toBe(true);
      expect(mostInFlight).toBeLessThanOrEqual(3);
      // the work was shared: more than one worker delivered
      const workers = [h.service.dispatcher, ...replicas.map((r) => r.dispatcher)].filter(
        (d) => d.verdicts.delivered > 0,
      );
      expect(workers.length).toBeGreaterThan(1);
    } finally {
      for (const r of replicas) {
        await r.dispatcher.stop();
        await r.dataSource.destroy();
      }
      slow.closeAllConnections();
      await new Promise((resolve) => slow.close(resolve));
    }
  });
});

describe('who manages which endpoints', () => {
  let h: NotificationsHarness;
  const rcbA = viewers.rcbIntegration(randomUUID());
  const rcbB = viewers.rcbIntegration(randomUUID());
  const url = 'https://hooks.example.com/in';

  beforeAll(async () => {
    h = await startNotificationsHarness();
  });
  afterAll(async () => {
    await h?.close();
  });

  it('shows an RCB only its own endpoints, and another RCB’s is not there', async () => {
    const { id } = await createEndpoint(h, rcbA, { url, eventTypes: ['RCB_STATUS_CHANGED'] });
    const mine = await h.ok<{ webhookEndpoints: { edges: { node: { id: string } }[] } }>(
      rcbA,
      `{ webhookEndpoints { edges { node { id } } } }`,
    );
    expect(mine.webhookEndpoints.edges.map((e) => e.node.id)).toEqual([id]);
    const theirs = await h.ok<{ webhookEndpoints: { edges: unknown[] } }>(
      rcbB,
      `{ webhookEndpoints { edges { node { id } } } }`,
    );
    expect(theirs.webhookEndpoints.edges).toEqual([]);
    expect(
      (
        await h.ok<{ webhookEndpoint: null }>(rcbB, `query($id: ID!) { webhookEndpoint(id: $id) { id } }`, {
          id,
        })
      ).webhookEndpoint,
    ).toBeNull();
    for (const mutation of ['pauseWebhookEndpoint', 'resumeWebhookEndpoint', 'deleteWebhookEndpoint']) {
      const result = await h.as(rcbB, `mutation($id: ID!) { ${mutation}(id: $id) { __typename } }`, { id });
      expect(errorCodes(result)).toEqual(['NOT_FOUND']);
    }
    // and scheme staff see it
    const all = await h.ok<{ webhookEndpoints: { edges: { node: { id: string } }[] } }>(
      viewers.schemeStaff(),
      `query($id: ID!) { webhookEndpoints(ownerKind: RCB, ownerId: $id) { edges { node { id } } } }`,
      { id: rcbA.rcbId },
    );
    expect(all.webhookEndpoints.edges.map((e) => e.node.id)).toEqual([id]);
  });

  it('lists endpoints, deliveries and attempts newest first, page by page, and the old order on request', async () => {
    const owner = viewers.rcbIntegration(randomUUID());
    const ids: string[] = [];
    for (let i = 0; i < 5; i += 1)
      ids.push(
        (await createEndpoint(h, owner, { url: `${url}/${i}`, eventTypes: ['RCB_STATUS_CHANGED'] })).id,
      );
    const page = async (order: string | null, after: string | null) => {
      const data = await h.ok<{
        webhookEndpoints: {
          edges: { node: { id: string } }[];
          pageInfo: { endCursor: string | null; hasNextPage: boolean };
        };
      }>(
        owner,
        order
          ? `query($order: ListOrder, $after: String) { webhookEndpoints(first: 2, after: $after, order: $order) {
          edges { node { id } } pageInfo { endCursor hasNextPage } } }`
          : `query($after: String) { webhookEndpoints(first: 2, after: $after) {
          edges { node { id } } pageInfo { endCursor hasNextPage } } }`,
        order ? { order, after } : { after },
      );
      return data.webhookEndpoints;
    };
    const walk = async (order: string | null) => {
      const seen: string[] = [];
      let after: string | null = null;
      for (;;) {
        const result = await page(order, after);
        seen.push(...result.edges.map((e) => e.node.id));
        if (!result.pageInfo.hasNextPage) return seen;
        after = result.pageInfo.endCursor;
      }
    };
    expect(await walk(null)).toEqual([...ids].reverse());
    expect(await walk('NEWEST_FIRST')).toEqual([...ids].reverse());
    expect(await walk('OLDEST_FIRST')).toEqual(ids);
    // a cursor continues only the order it was issued for
    const newest = await page('NEWEST_FIRST', null);
    const crossed = await h.as(
      owner,
      `query($after: String) { webhookEndpoints(first: 2, after: $after, order: OLDEST_FIRST) { edges { node { id } } } }`,
      { after: newest.pageInfo.endCursor },
    );
    expect(errorCodes(crossed)).toEqual(['BAD_USER_INPUT']);
    // a cursor issued before lists had an order (the key alone) still continues the old order
    const [first] = await h.db.dataSource.query(
      `SELECT "created_at", "id" FROM "webhook_endpoint" WHERE "id" = $1`,
      [ids[1]],
    );
    const legacy = encodeCursor([new Date(first.created_at).toISOString(), first.id]);
    const continued = await h.ok<{ webhookEndpoints: { edges: { node: { id: string } }[] } }>(
      owner,
      `query($after: String) { webhookEndpoints(first: 10, after: $after, order: OLDEST_FIRST) { edges { node { id } } } }`,
      { after: legacy },
    );
    expect(continued.webhookEndpoints.edges.map((e) => e.node.id)).toEqual(ids.slice(2));

    // the index on (created_at, id) serves the newest-first page too: read backwards, no sort
    const plan = (await h.db.dataSource.transaction(async (manager) => {
      await manager.query('SET LOCAL enable_seqscan = off');
      return manager.query(
        `EXPLAIN SELECT * FROM "webhook_endpoint" WHERE ("created_at", "id") < (now(), gen_random_uuid())
         ORDER BY "created_at" DESC, "id" DESC LIMIT 3`,
      );
    })) as { 'QUERY PLAN': string }[];
    const text = plan.map((row) => row['QUERY PLAN']).join('\n');
    expect(text).toMatch(/Index Scan Backward using "IDX_webhook_endpoint_created"/);
    expect(text).not.toMatch(/Sort/);
  });

  it('refuses what an owner may not subscribe to, and endpoints for someone else', async () => {
    const ato = viewers.atoStaff(randomUUID());
    const wrongEvent = await h.as(
      ato,
      `mutation($i: CreateWebhookEndpointInput!) { createWebhookEndpoint(input: $i) { secret } }`,
      {
        i: { url, eventTypes: ['REGISTRY_CERTIFICATION_CHANGED'] },
      },
    );
    expect(errorCodes(wrongEvent)).toEqual(['BAD_USER_INPUT']);
    const forOther = await h.as(
      rcbA,
      `mutation($i: CreateWebhookEndpointInput!) { createWebhookEndpoint(input: $i) { secret } }`,
      {
        i: { url, eventTypes: ['RCB_STATUS_CHANGED'], ownerKind: 'RCB', ownerId: rcbB.rcbId },
      },
    );
    expect(errorCodes(forOther)).toEqual(['FORBIDDEN']);
    const candidate = await h.as(viewers.candidate(), `{ webhookEndpoints { edges { node { id } } } }`);
    expect(errorCodes(candidate)).toEqual(['FORBIDDEN']);
    const anonymous = await h.as(viewers.public, `{ webhookEndpoints { edges { node { id } } } }`);
    expect(errorCodes(anonymous)).toEqual(['UNAUTHENTICATED']);
  });

  it('shows the secret once, and a rotation gives a new one', async () => {
    const { id, secret } = await createEndpoint(h, rcbA, { url, eventTypes: ['RCB_STATUS_CHANGED'] });
    expect(secret).toMatch(/^whsec_[A-Za-z0-9+/]{43}=$/);
    const read = await h.ok<{ webhookEndpoint: { secretHint: string } }>(
      rcbA,
      `query($id: ID!) { webhookEndpoint(id: $id) { secretHint } }`,
      { id },
    );
    expect(secret.startsWith(read.webhookEndpoint.secretHint.replace('…', ''))).toBe(true);
    const rotated = await h.ok<{ rotateWebhookEndpointSecret: { secret: string } }>(
      rcbA,
      `mutation($id: ID!) { rotateWebhookEndpointSecret(id: $id) { secret } }`,
      { id },
    );
    expect(rotated.rotateWebhookEndpointSecret.secret).not.toBe(secret);
    const [row]: { secret_ciphertext: string }[] = await h.db.dataSource.query(
      `SELECT "secret_ciphertext" FROM "webhook_endpoint" WHERE "id" = $1`,
      [id],
    );
    // stored sealed, never as given
    expect(row.secret_ciphertext).not.toContain(rotated.rotateWebhookEndpointSecret.secret.slice(6));
  });

  it('lets a relying party in with its own key until scheme staff revoke it', async () => {
    const staff = viewers.schemeStaff();
    const created = await h.ok<{ createRelyingParty: { apiKey: string; relyingParty: { id: string } } }>(
      staff,
      `mutation { createRelyingParty(name: "Tenders Ltd") { apiKey relyingParty { id } } }`,
    );
    const { apiKey } = created.createRelyingParty;
    expect(apiKey).toMatch(/^rpk_[0-9a-f]{32}_/);
    const context = await h.service.context({ headers: { authorization: `ApiKey ${apiKey}` } } as never);
    const { id } = await createEndpoint(h, context.viewer, {
      url,
      eventTypes: ['CERTIFICATE_REVOKED'],
      certificateNumbers: ['ISO20K-F-000123'],
    });
    const none = await h.as(
      context.viewer,
      `mutation($i: CreateWebhookEndpointInput!) { createWebhookEndpoint(input: $i) { secret } }`,
      {
        i: { url, eventTypes: ['CERTIFICATE_REVOKED'] },
      },
    );
    expect(errorCodes(none)).toEqual(['BAD_USER_INPUT']);

    await h.ok(staff, `mutation($id: ID!) { revokeRelyingParty(id: $id) { revokedAt } }`, {
      id: created.createRelyingParty.relyingParty.id,
    });
    await expect(
      h.service.context({ headers: { authorization: `ApiKey ${apiKey}` } } as never),
    ).rejects.toThrow(/revoked/);
    const [endpoint]: { status: string }[] = await h.db.dataSource.query(
      `SELECT "status" FROM "webhook_endpoint" WHERE "id" = $1`,
      [id],
    );
    expect(endpoint.status).toBe('DISABLED');
    const resumed = await h.as(staff, `mutation($id: ID!) { resumeWebhookEndpoint(id: $id) { status } }`, {
      id,
    });
    expect(errorCodes(resumed)).toEqual(['CONFLICT']);
  });
});
