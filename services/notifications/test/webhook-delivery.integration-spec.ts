import { randomUUID } from 'node:crypto';
import { Events } from '@iso20000/events';
import { eventually, publishEvent, sleep, validPayloads, viewers, WebhookReceiver } from '@iso20000/testing';
import { Webhook } from 'standardwebhooks';
import {
  createEndpoint,
  deliveriesOf,
  startNotificationsHarness,
  type NotificationsHarness,
} from './notifications-harness';

/** Deliveries through the real bus, database and HTTP: a receiver on loopback (allow-listed for tests). */
describe('webhook deliveries', () => {
  let h: NotificationsHarness;
  let receiver: WebhookReceiver;
  const staff = viewers.schemeStaff();

  beforeAll(async () => {
    h = await startNotificationsHarness();
  });
  afterAll(async () => {
    await h?.close();
  });
  beforeEach(async () => {
    receiver = await WebhookReceiver.start();
  });
  afterEach(async () => {
    await receiver.close();
  });

  it('signs each delivery as Standard Webhooks says, and the library verifies it', async () => {
    const { secret } = await createEndpoint(h, staff, {
      url: receiver.url,
      eventTypes: ['CERTIFICATE_ISSUED'],
    });
    const payload = validPayloads().CertificateIssued;
    const eventId = await h.publish(Events.CertificateIssued, payload);

    const [request] = await receiver.waitForDeliveries(1);
    const headers = {
      'webhook-id': String(request.headers['webhook-id']),
      'webhook-timestamp': String(request.headers['webhook-timestamp']),
      'webhook-signature': String(request.headers['webhook-signature']),
    };
    const verified = new Webhook(secret).verify(request.body, headers) as Record<string, unknown>;
    expect(verified).toMatchObject({
      id: eventId,
      subject: 'certificate.certificate.issued',
      version: 1,
      payload,
    });
    // a different secret, or a body changed on the way, does not verify
    expect(() =>
      new Webhook(`whsec_${Buffer.alloc(32, 7).toString('base64')}`).verify(request.body, headers),
    ).toThrow();
    expect(() =>
      new Webhook(secret).verify(request.body.replace('"version":1', '"version":2'), headers),
    ).toThrow();
  });

  it('retries a receiver that fails five times and delivers the event once when it succeeds', async () => {
    receiver.answer = ({ attempt }) => (attempt <= 5 ? 503 : 200);
    const { id } = await createEndpoint(h, staff, { url: receiver.url, eventTypes: ['ATO_STATUS_CHANGED'] });
    const eventId = await h.publish(Events.AtoStatusChanged, validPayloads().AtoStatusChanged);

    await receiver.waitForDeliveries(1, 20_000);
    const delivery = await eventually(async () => {
      const { deliveries } = await deliveriesOf(h, staff, id);
      return deliveries.find((d) => d.status === 'DELIVERED');
    });
    expect(delivery.eventId).toBe(eventId);
    expect(delivery.attempts.map((a) => [a.number, a.outcome, a.responseStatus])).toEqual([
      [1, 'HTTP_ERROR', 503],
      [2, 'HTTP_ERROR', 503],
      [3, 'HTTP_ERROR', 503],
      [4, 'HTTP_ERROR', 503],
      [5, 'HTTP_ERROR', 503],
      [6, 'SUCCEEDED', 200],
    ]);
    expect(delivery.attempts.every((a) => a.latencyMs >= 0)).toBe(true);
    // what an owner sees by default: the latest attempt first, in the list and page by page
    const latest = await h.ok<{
      webhookEndpoint: {
        deliveries: {
          edges: {
            node: {
              attempts: { number: number }[];
              attemptHistory: { edges: { node: { number: number } }[]; pageInfo: { endCursor: string } };
            };
          }[];
        };
      };
    }>(
      staff,
      `query($id: ID!) { webhookEndpoint(id: $id) { deliveries(first: 1) { edges { node {
        attempts { number } attemptHistory(first: 4) { edges { node { number } } pageInfo { endCursor } } } } } } }`,
      { id },
    );
    const [newest] = latest.webhookEndpoint.deliveries.edges;
    expect(newest.node.attempts.map((a) => a.number)).toEqual([6, 5, 4, 3, 2, 1]);
    expect(newest.node.attemptHistory.edges.map((e) => e.node.number)).toEqual([6, 5, 4, 3]);
    const rest = await h.ok<{
      webhookEndpoint: {
        deliveries: { edges: { node: { attemptHistory: { edges: { node: { number: number } }[] } } }[] };
      };
    }>(
      staff,
      `query($id: ID!, $after: String) { webhookEndpoint(id: $id) { deliveries(first: 1) { edges { node {
        attemptHistory(first: 4, after: $after) { edges { node { number } } } } } } } }`,
      { id, after: newest.node.attemptHistory.pageInfo.endCursor },
    );
    expect(
      rest.webhookEndpoint.deliveries.edges[0].node.attemptHistory.edges.map((e) => e.node.number),
    ).toEqual([2, 1]);
    // the same webhook-id on every attempt, and nothing more after the success
    await sleep(300);
    expect(receiver.received).toHaveLength(6);
    expect(new Set(receiver.received.map((r) => r.headers['webhook-id']))).toEqual(new Set([delivery.id]));
    expect(receiver.delivered).toHaveLength(1);
  });

  it('never gives an RCB another RCB’s events', async () => {
    const rcbA = randomUUID();
    const rcbB = randomUUID();
    const other = await WebhookReceiver.start();
    try {
      const types = ['REGISTRY_CERTIFICATION_CHANGED', 'RCB_STATUS_CHANGED'];
      await createEndpoint(h, viewers.rcbIntegration(rcbA), { url: receiver.url, eventTypes: types });
      await createEndpoint(h, viewers.rcbIntegration(rcbB), { url: other.url, eventTypes: types });
      const p = validPayloads();
      await h.publish(Events.CertificationChanged, {
        ...p.CertificationChanged,
        rcbId: rcbB,
        certificateNumber: 'B-1',
      });
      await h.publish(Events.RcbStatusChanged, { ...p.RcbStatusChanged, rcbId: rcbB });
      await h.publish(Events.CertificationChanged, {
        ...p.CertificationChanged,
        rcbId: rcbA,
        certificateNumber: 'A-1',
      });

      await other.waitForDeliveries(2);
      await receiver.waitForDeliveries(1);
      await sleep(300);
      const toA = receiver.deliveredEnvelopes<{ payload: { rcbId: string } }>();
      const toB = other.deliveredEnvelopes<{ payload: { rcbId: string } }>();
      expect(toA.map((e) => e.payload.rcbId)).toEqual([rcbA]);
      expect(toB.map((e) => e.payload.rcbId).sort()).toEqual([rcbB, rcbB]);
    } finally {
      await other.close();
    }
  });

  it('tells the RCB a certification was transferred away from, from the event alone, with the public fields and no more', async () => {
    const losing = randomUUID();
    const gaining = randomUUID();
    const third = randomUUID();
    const toGaining = await WebhookReceiver.start();
    const toThird = await WebhookReceiver.start();
    try {
      const types = ['REGISTRY_CERTIFICATION_CHANGED'];
      await createEndpoint(h, viewers.rcbIntegration(losing), { url: receiver.url, eventTypes: types });
      await createEndpoint(h, viewers.rcbIntegration(gaining), { url: toGaining.url, eventTypes: types });
      await createEndpoint(h, viewers.rcbIntegration(third), { url: toThird.url, eventTypes: types });
      const p = validPayloads();
      // this service never saw the certification before (no copy of its holder): the event says it all
      await h.publish(Events.CertificationChanged, {
        ...p.CertificationChanged,
        rcbId: gaining,
        previousRcbId: losing,
        certificateNumber: 'ACC-T-1',
        change: 'TRANSFERRED',
        status: 'CERTIFIED',
        version: 7,
      });
      // and a later change of the gaining RCB's is its own only
      await h.publish(Events.CertificationChanged, {
        ...p.CertificationChanged,
        certificationId: p.CertificationChanged.certificationId,
        rcbId: gaining,
        previousRcbId: null,
        certificateNumber: 'ACC-T-1',
        change: 'SUSPENDED',
        status: 'SUSPENDED',
        version: 8,
      });
      await toGaining.waitForDeliveries(2);
      await receiver.waitForDeliveries(1);
      await sleep(300);
      type Delivered = {
        subject: string;
        view?: string;
        requestId?: string;
        payload: Record<string, unknown>;
      };
      const lost = receiver.deliveredEnvelopes<Delivered>();
      expect(lost).toHaveLength(1);
      expect(lost[0]).toMatchObject({
        view: 'public',
        payload: {
          change: 'TRANSFERRED',
          rcbId: gaining,
          previousRcbId: losing,
          certificateNumber: 'ACC-T-1',
        },
      });
      expect(lost[0].requestId).toBeUndefined();
      // the gaining RCB gets the events as published
      const gained = toGaining.deliveredEnvelopes<Delivered>();
      expect(gained.map((e) => [e.payload.change, e.view])).toEqual([
        ['TRANSFERRED', undefined],
        ['SUSPENDED', undefined],
      ]);
      expect(toThird.deliveredEnvelopes()).toEqual([]);
    } finally {
      await toGaining.close();
      await toThird.close();
    }
  });

  it('holds deliveries while paused and sends them, in order, on resume', async () => {
    const atoId = randomUUID();
    const ato = viewers.atoStaff(atoId);
    const { id } = await createEndpoint(h, ato, { url: receiver.url, eventTypes: ['EXAM_SITTING_RELEASED'] });
    await h.ok(ato, `mutation($id: ID!) { pauseWebhookEndpoint(id: $id) { status } }`, { id });

    const base = Date.now();
    const published: string[] = [];
    for (let i = 0; i < 3; i++) {
      const payload = { ...validPayloads().ExamSittingReleased, atoId };
      published.push(await publishAt(h, payload, new Date(base + i * 1000)));
    }
    // queued while paused, and nothing sent
    await eventually(async () =>
      (await deliveriesOf(h, ato, id)).deliveries.length === 3 ? true : undefined,
    );
    await sleep(400);
    expect(receiver.received).toHaveLength(0);

    await h.ok(ato, `mutation($id: ID!) { resumeWebhookEndpoint(id: $id) { status } }`, { id });
    await receiver.waitForDeliveries(3);
    expect(receiver.deliveredEnvelopes<{ id: string }>().map((e) => e.id)).toEqual(published);
  });

  it('gives an ATO its candidates’ revocations from the ownership it keeps, and nothing of other ATOs', async () => {
    const atoId = randomUUID();
    const ato = viewers.atoStaff(atoId);
    await createEndpoint(h, ato, {
      url: receiver.url,
      eventTypes: ['CERTIFICATE_ISSUED', 'CERTIFICATE_REVOKED'],
    });
    const p = validPayloads();
    const issued = { ...p.CertificateIssued, atoId };
    await h.publish(Events.CertificateIssued, issued);
    await h.publish(Events.CertificateIssued, { ...validPayloads().CertificateIssued, atoId: randomUUID() });
    await receiver.waitForDeliveries(1);
    // a revocation recorded before events carried the ATO: the copy of the issue says whose it is
    const revoked = { ...p.CertificateRevoked, certificateId: issued.certificateId, number: issued.number };
    delete (revoked as { atoId?: unknown }).atoId;
    await h.publish(Events.CertificateRevoked, revoked);
    await receiver.waitForDeliveries(2);
    await sleep(300);
    expect(receiver.deliveredEnvelopes<{ subject: string }>().map((e) => e.subject)).toEqual([
      'certificate.certificate.issued',
      'certificate.certificate.revoked',
    ]);
  });

  it('shows a relying party only the numbers it watches, and only their public fields', async () => {
    const party = await h.ok<{ createRelyingParty: { relyingParty: { id: string } } }>(
      staff,
      `mutation { createRelyingParty(name: "Tender platform") { relyingParty { id } apiKey } }`,
    );
    const partyId = party.createRelyingParty.relyingParty.id;
    await createEndpoint(h, staff, {
      url: receiver.url,
      eventTypes: ['CERTIFICATE_REVOKED', 'REGISTRY_CERTIFICATION_CHANGED'],
      certificateNumbers: ['F-WATCHED-1'],
      certificationNumbers: ['REG-WATCHED-1'],
      ownerKind: 'RELYING_PARTY',
      ownerId: partyId,
    });
    const p = validPayloads();
    await h.publish(Events.CertificateRevoked, { ...p.CertificateRevoked, number: 'F-OTHER' });
    await h.publish(Events.CertificateRevoked, { ...p.CertificateRevoked, number: 'F-WATCHED-1' });
    await h.publish(Events.CertificationChanged, {
      ...p.CertificationChanged,
      certificateNumber: 'REG-WATCHED-1',
    });
    await receiver.waitForDeliveries(2);
    await sleep(300);
    const envelopes = receiver.deliveredEnvelopes<{
      subject: string;
      view: string;
      payload: Record<string, unknown>;
    }>();
    expect(envelopes).toHaveLength(2);
    const revocation = envelopes.find((e) => e.subject === 'certificate.certificate.revoked');
    expect(revocation).toMatchObject({ view: 'public' });
    // no candidate, sitting or certificate ids, no reason: what public verification shows
    expect(Object.keys(revocation!.payload).sort()).toEqual(['number', 'revokedAt']);
    expect(revocation!.payload.number).toBe('F-WATCHED-1');
  });

  it('disables an endpoint that fails every attempt of a delivery, and tells its owner why', async () => {
    receiver.answer = () => 500;
    const rcb = viewers.rcbIntegration(randomUUID());
    const { id } = await createEndpoint(h, rcb, { url: receiver.url, eventTypes: ['RCB_STATUS_CHANGED'] });
    await h.publish(Events.RcbStatusChanged, { ...validPayloads().RcbStatusChanged, rcbId: rcb.rcbId! });

    const view = await eventually(async () => {
      const seen = await deliveriesOf(h, rcb, id);
      return seen.status === 'DISABLED' ? seen : undefined;
    }, 20_000);
    expect(view.disabledReason).toMatch(/ran out of its 7 attempts/);
    expect(view.deliveries[0]).toMatchObject({ status: 'FAILED', attemptCount: 7 });
    expect(receiver.received).toHaveLength(7);
    const [row]: { payload: { endpointId: string; ownerKind: string } }[] = await h.db.dataSource.query(
      `SELECT "payload" FROM "outbox_event" WHERE "subject" = 'notifications.webhook-endpoint.disabled' AND "payload"->>'endpointId' = $1`,
      [id],
    );
    expect(row.payload).toMatchObject({ endpointId: id, ownerKind: 'RCB' });

    // fixed and resumed: a redelivery gets through
    receiver.answer = () => 200;
    await h.ok(rcb, `mutation($id: ID!) { resumeWebhookEndpoint(id: $id) { status } }`, { id });
    await h.ok(rcb, `mutation($id: ID!) { redeliverWebhookDelivery(id: $id) { status } }`, {
      id: view.deliveries[0].id,
    });
    await receiver.waitForDeliveries(1);
  });

  it('replays a time range to an endpoint, including events from before it existed', async () => {
    const atoId = randomUUID();
    const ato = viewers.atoStaff(atoId);
    const before = new Date(Date.now() - 60_000);
    const eventId = await publishAt(h, { ...validPayloads().ExamSittingReleased, atoId }, before);
    await eventually(async () => {
      const rows: unknown[] = await h.db.dataSource.query(
        `SELECT 1 FROM "notification_event" WHERE "id" = $1`,
        [eventId],
      );
      return rows.length === 1 ? true : undefined;
    });
    const { id } = await createEndpoint(h, ato, { url: receiver.url, eventTypes: ['EXAM_SITTING_RELEASED'] });
    const replay = await h.ok<{ replayWebhookEvents: { queued: number } }>(
      ato,
      `mutation($id: ID!, $from: DateTime!, $to: DateTime!) { replayWebhookEvents(endpointId: $id, from: $from, to: $to) { queued } }`,
      { id, from: new Date(before.getTime() - 1000).toISOString(), to: new Date().toISOString() },
    );
    expect(replay.replayWebhookEvents.queued).toBe(1);
    await receiver.waitForDeliveries(1);
    expect(receiver.deliveredEnvelopes<{ id: string }>()[0].id).toBe(eventId);
  });
});

async function publishAt(
  h: NotificationsHarness,
  payload: ReturnType<typeof validPayloads>['ExamSittingReleased'],
  occurredAt: Date,
): Promise<string> {
  return publishEvent(h.nc, h.namespace, Events.ExamSittingReleased, payload, { occurredAt });
}
