import { eventually } from '@iso20000/testing';
import { createClient, type Client } from 'graphql-ws';
import WebSocket from 'ws';
import { ok as okThrough, startE2eSystem, type RunningSystem } from '../src/harness';

// A relying party through the gateway: scheme staff create its key in notifications; the key,
// replicated to every process as a notifications.relying-party.key-issued event, lets it manage its
// own webhook endpoints, ask the public queries and follow a public subscription, and nothing else;
// once staff revoke it, HTTP refuses it and its open subscription closes within seconds.

let system: RunningSystem;
let staff: string;
const clients: Client[] = [];
const ok = <T>(query: string, variables: Record<string, unknown> = {}, token?: string) =>
  okThrough<T>(system, query, variables, token);

beforeAll(async () => {
  system = await startE2eSystem('e2erp');
  staff = await system.token('scheme_staff');
}, 180_000);

afterAll(async () => {
  for (const client of clients.splice(0)) await client.dispose();
  await system?.stop();
});

function codesOf(result: { errors?: readonly { extensions?: Record<string, unknown> }[] }): unknown[] {
  return (result.errors ?? []).map((error) => error.extensions?.code);
}

it('lets a relying party use its webhooks API, the public queries and public subscriptions with its own key, and refuses it within seconds of revocation', async () => {
  const created = await ok<{ createRelyingParty: { apiKey: string; relyingParty: { id: string } } }>(
    `mutation { createRelyingParty(name: "E2E Tenders Ltd") { apiKey relyingParty { id } } }`,
    {},
    staff,
  );
  const key = `ApiKey ${created.createRelyingParty.apiKey}`;
  const relyingPartyId = created.createRelyingParty.relyingParty.id;

  // The gateway knows the key once its copy has the issued event: its own endpoints, through the graph.
  const endpoint = await eventually(
    async () => {
      const result = await system.query<{
        createWebhookEndpoint: { endpoint: { id: string; ownerKind: string; ownerId: string } };
      }>(
        `mutation($input: CreateWebhookEndpointInput!) {
          createWebhookEndpoint(input: $input) { endpoint { id ownerKind ownerId } } }`,
        {
          input: {
            url: 'https://tenders.example/hooks',
            eventTypes: ['REGISTRY_CERTIFICATION_CHANGED'],
            certificationNumbers: ['E2E-RP-1'],
          },
        },
        key,
      );
      return result.data?.createWebhookEndpoint?.endpoint ?? undefined;
    },
    15_000,
    'the gateway to accept the relying party key',
  );
  expect(endpoint).toMatchObject({ ownerKind: 'RELYING_PARTY', ownerId: relyingPartyId });
  const listed = await ok<{ webhookEndpoints: { edges: { node: { id: string } }[] } }>(
    `{ webhookEndpoints { edges { node { id } } } }`,
    {},
    key,
  );
  expect(listed.webhookEndpoints.edges.map((edge) => edge.node.id)).toEqual([endpoint.id]);

  // The public queries answer it; nothing that needs a role of the scheme does.
  const verified = await system.query(`{ verifyCertificate(number: "F26-0000-0000") { status } }`, {}, key);
  expect(verified.errors).toBeUndefined();
  const staffOnly = await system.query(`{ relyingParties { edges { node { id } } } }`, {}, key);
  expect(codesOf(staffOnly)).toEqual(['FORBIDDEN']);
  const forAnother = await system.query(
    `mutation { createWebhookEndpoint(input: { url: "https://tenders.example/x",
      eventTypes: [REGISTRY_CERTIFICATION_CHANGED], certificationNumbers: ["E2E-RP-1"], ownerKind: SCHEME }) { secret } }`,
    {},
    key,
  );
  expect(codesOf(forAnother)).toEqual(['FORBIDDEN']);

  // A public subscription over graphql-ws with the same key; an owner-only one is refused.
  let closedWith!: (event: { code: number; reason: string }) => void;
  const closed = new Promise<{ code: number; reason: string }>((resolve) => (closedWith = resolve));
  const client = createClient({
    url: system.gatewayUrl.replace(/^http/, 'ws'),
    webSocketImpl: WebSocket,
    lazy: false,
    retryAttempts: 0,
    connectionParams: { authorization: key },
    on: { closed: (event) => closedWith(event as { code: number; reason: string }) },
    onNonLazyError: () => undefined,
  });
  clients.push(client);
  const updates: { __typename: string }[] = [];
  client.subscribe<{ organizationCertificationStatusChanged: { __typename: string } }>(
    {
      query: `subscription { organizationCertificationStatusChanged(certificateNumber: "E2E-RP-1") {
        __typename ... on CursorAdvanced { cursor } } }`,
    },
    {
      next: (result) => {
        if (result.data) updates.push(result.data.organizationCertificationStatusChanged);
      },
      error: () => undefined,
      complete: () => undefined,
    },
  );
  const ownerOnly: unknown[] = [];
  client.subscribe(
    { query: `subscription { rcbChanged { __typename } }` },
    {
      next: (result) => result.errors && ownerOnly.push(...result.errors),
      error: (error) => ownerOnly.push(...(Array.isArray(error) ? error : [error])),
      complete: () => undefined,
    },
  );
  await eventually(async () => updates.length || undefined, 30_000, 'the public subscription live');
  await eventually(async () => ownerOnly.length || undefined, 30_000, 'the owner-only refusal');
  expect(JSON.stringify(ownerOnly)).toMatch(/FORBIDDEN/);

  // Revoked: HTTP through the gateway refuses it and the open subscription closes, within seconds.
  const revokedAt = Date.now();
  await ok(`mutation($id: ID!) { revokeRelyingParty(id: $id) { revokedAt } }`, { id: relyingPartyId }, staff);
  await eventually(
    async () => {
      const result = await system.query(`{ verifyCertificate(number: "F26-0000-0000") { status } }`, {}, key);
      return codesOf(result).includes('UNAUTHENTICATED') ? result.status : undefined;
    },
    10_000,
    'HTTP to refuse the revoked key',
  );
  const refusedAfter = Date.now() - revokedAt;
  let timer: NodeJS.Timeout | undefined;
  const closing = await Promise.race([
    closed,
    new Promise<null>((resolve) => (timer = setTimeout(() => resolve(null), 10_000))),
  ]);
  clearTimeout(timer);
  expect(closing?.code).toBe(4401);
  const closedAfter = Date.now() - revokedAt;
  expect(refusedAfter).toBeLessThan(10_000);
  expect(closedAfter).toBeLessThan(10_000);
}, 240_000);
