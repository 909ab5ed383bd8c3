import { randomUUID } from 'node:crypto';
import { eventually, sleep, WebhookReceiver } from '@iso20000/testing';
import { Webhook } from 'standardwebhooks';
import { ok as okThrough, startE2eSystem, type RunningSystem } from '../src/harness';

// Webhooks through the whole system: an RCB integration registers an endpoint through the gateway
// with its API key; its certification issued in the registry and its appointment suspended by scheme
// staff in accreditation reach the endpoint as signed Standard Webhooks requests (outbox -> JetStream
// -> notifications' consumers -> delivery table -> worker -> HTTP). Another RCB's endpoint receives
// none of it. The receivers listen on loopback, allowed for this test only (WEBHOOK_ALLOWED_HOSTS).

let system: RunningSystem;
const ok = <T>(query: string, variables: Record<string, unknown> = {}, token?: string) =>
  okThrough<T>(system, query, variables, token);
let staff: string;
const receivers: WebhookReceiver[] = [];

beforeAll(async () => {
  system = await startE2eSystem('e2ewh', {
    WEBHOOK_ALLOWED_HOSTS: '127.0.0.1',
    WEBHOOK_POLL_INTERVAL_MS: '200',
  });
  staff = await system.token('scheme_staff');
}, 180_000);

afterAll(async () => {
  await system?.stop();
  for (const receiver of receivers) await receiver.close();
});

/** An RCB applied, assessed and appointed by scheme staff, with an integration credential. */
async function appointedRcb(name: string): Promise<{ id: string; apiKey: string }> {
  const applied = await ok<{ applyForRcbAppointment: { id: string } }>(
    `mutation($input: RcbApplicationInput!) { applyForRcbAppointment(input: $input) { id } }`,
    {
      input: {
        name,
        country: 'DE',
        companyDetails: { legalName: `${name} GmbH`, address: ['Hauptstr. 1', 'Berlin'] },
        contacts: [{ name: 'Bert Kuhn', email: 'bert@e2e-cert.example' }],
        nationalAccreditationBody: 'DAkkS',
        accreditationReference: `D-ZM-${Math.floor(Math.random() * 90000) + 10000}-01-00`,
        countriesServed: ['DE'],
      },
    },
  );
  const id = applied.applyForRcbAppointment.id;
  await ok(`mutation($id: ID!) { beginRcbAssessment(rcbId: $id) { status } }`, { id }, staff);
  await ok(
    `mutation($id: ID!) { decideRcbApplication(rcbId: $id, decision: APPOINT, notes: "ok") { status } }`,
    { id },
    staff,
  );
  const credential = await ok<{ createRcbCredential: { apiKey: string } }>(
    `mutation($id: ID!) { createRcbCredential(rcbId: $id, label: "webhooks e2e") { apiKey } }`,
    { id },
    staff,
  );
  return { id, apiKey: `ApiKey ${credential.createRcbCredential.apiKey}` };
}

const CREATE = `mutation($input: CreateWebhookEndpointInput!) {
  createWebhookEndpoint(input: $input) { secret endpoint { id ownerKind ownerId } } }`;

it('delivers an RCB’s own certification and appointment changes, signed, and nothing of another RCB', async () => {
  const mine = await appointedRcb('Webhook E2E Certification');
  const other = await appointedRcb('Other E2E Certification');
  const receiver = await WebhookReceiver.start();
  const otherReceiver = await WebhookReceiver.start();
  receivers.push(receiver, otherReceiver);
  const eventTypes = ['REGISTRY_CERTIFICATION_CHANGED', 'RCB_STATUS_CHANGED'];

  // The RCB's API key reaches notifications through the gateway once its credential copy has it.
  const created = await eventually(
    async () => {
      const result = await system.query<{
        createWebhookEndpoint: { secret: string; endpoint: { ownerKind: string; ownerId: string } };
      }>(CREATE, { input: { url: receiver.url, eventTypes } }, mine.apiKey);
      return result.data?.createWebhookEndpoint ?? undefined;
    },
    30_000,
    'notifications to accept the RCB’s new API key',
  );
  expect(created.endpoint).toMatchObject({ ownerKind: 'RCB', ownerId: mine.id });
  await eventually(
    async () =>
      (await system.query(CREATE, { input: { url: otherReceiver.url, eventTypes } }, other.apiKey)).data ??
      undefined,
    30_000,
  );

  const certificateNumber = `WH-${randomUUID().slice(0, 8)}`;
  await eventually(
    async () => {
      const result = await system.query<{ issueCertification: { certification: { id: string } } }>(
        `mutation($input: IssueCertificationInput!, $key: String!) {
          issueCertification(input: $input, idempotencyKey: $key) { certification { id } } }`,
        {
          key: randomUUID(),
          input: {
            certificateNumber,
            organization: {
              legalName: `Webhook Services ${certificateNumber} Ltd`,
              otherNames: [],
              country: 'GB',
              address: { lines: ['1 Service Street'], city: 'Leeds', postalCode: 'LS1 1AA', country: 'GB' },
              publicListing: true,
            },
            scope: 'The provision of managed IT services',
            sites: [],
            cycleStart: new Date(Date.now() - 10 * 86_400_000).toISOString().slice(0, 10),
          },
        },
        mine.apiKey,
      );
      return result.data?.issueCertification ?? undefined;
    },
    30_000,
    'the registry to accept the appointed RCB’s certification',
  );
  await ok(
    `mutation($id: ID!) { suspendRcb(rcbId: $id, reason: "scheme audit findings") { status } }`,
    { id: mine.id },
    staff,
  );

  const delivered = await receiver.waitForDeliveries(2, 30_000);
  const envelopes = delivered.map((request) =>
    new Webhook(created.secret).verify(request.body, {
      'webhook-id': String(request.headers['webhook-id']),
      'webhook-timestamp': String(request.headers['webhook-timestamp']),
      'webhook-signature': String(request.headers['webhook-signature']),
    }),
  ) as { subject: string; payload: { rcbId: string; certificateNumber?: string; status: string } }[];
  const bySubject = Object.fromEntries(envelopes.map((e) => [e.subject, e.payload]));
  expect(bySubject['registry.certification.changed']).toMatchObject({ rcbId: mine.id, certificateNumber });
  expect(bySubject['accreditation.rcb.status-changed']).toMatchObject({
    rcbId: mine.id,
    status: 'SUSPENDED',
  });

  // the other RCB's endpoint saw its own appointment at most, never the first RCB's changes
  await sleep(1000);
  for (const request of otherReceiver.received) {
    const envelope = JSON.parse(request.body) as { payload: { rcbId: string } };
    expect(envelope.payload.rcbId).toBe(other.id);
  }

  // the owner lists its deliveries and their attempts through the gateway
  const listed = await ok<{
    webhookEndpoints: {
      edges: {
        node: { deliveries: { edges: { node: { status: string; attempts: { outcome: string }[] } }[] } };
      }[];
    };
  }>(
    `{ webhookEndpoints { edges { node { deliveries { edges { node { status attempts { outcome } } } } } } } }`,
    // (attempts come newest first)
    {},
    mine.apiKey,
  );
  const deliveries = listed.webhookEndpoints.edges.flatMap((e) => e.node.deliveries.edges.map((d) => d.node));
  expect(deliveries.filter((d) => d.status === 'DELIVERED')).toHaveLength(2);
  expect(deliveries.every((d) => d.attempts[0]?.outcome === 'SUCCEEDED')).toBe(true);
}, 120_000);
