/**
 * Webhook latency: from a state change through the gateway to the signed webhook's receipt, p50/p95.
 * Scheme staff suspend and reinstate an RCB in turn (accreditation's outbox -> JetStream ->
 * notifications' consumer -> delivery row -> worker -> HTTP); the RCB's endpoint, a real HTTP
 * receiver on loopback, verifies each signature. A second phase answers the first two attempts of
 * every delivery with 503 and shows the retries as scheduled (short delays, given below). Starts
 * its own system on free ports with throwaway databases.
 *
 *   npm run bench:webhooks -- [--changes 60] [--retried 10]
 */
import { randomUUID } from 'node:crypto';
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { WebhookReceiver } from '@iso20000/testing';
import { workspaceRoot } from '@iso20000/tool-dev/src/infrastructure';
import { startSystem, type RunningSystem } from '@iso20000/tool-dev/src/launcher';
import { Webhook } from 'standardwebhooks';
import { summarizeLatencies, type LatencySummary } from './stats';

const log = (line: string) => process.stdout.write(`${line}\n`);
const arg = (name: string, fallback: number) => {
  const index = process.argv.indexOf(`--${name}`);
  const value = index >= 0 ? Number(process.argv[index + 1]) : fallback;
  if (!Number.isInteger(value) || value <= 0) throw new Error(`--${name} needs a positive whole number`);
  return value;
};

/** The retry delays of this run (ms): short, so a retried delivery's whole path fits a bench. */
const RETRY_DELAYS_MS = [250, 500, 1000, 2000];

async function ok<T>(system: RunningSystem, query: string, variables: object, token?: string): Promise<T> {
  const result = await system.query<T>(query, variables as Record<string, unknown>, token);
  if (result.errors?.length) throw new Error(JSON.stringify(result.errors));
  return result.data as T;
}

const fmt = (s: LatencySummary) =>
  `p50 ${s.p50.toFixed(1)} ms, p95 ${s.p95.toFixed(1)} ms, max ${s.max.toFixed(1)} ms (n=${s.count})`;

async function main(): Promise<void> {
  const changes = arg('changes', 60);
  const retried = arg('retried', 10);
  log('starting the system (free ports, throwaway databases)');
  const system = await startSystem({
    namespace: `iso20000_benchwh_${randomUUID().slice(0, 8)}`,
    extraEnv: {
      LOG_LEVEL: 'warn',
      // the bench's receiver listens on loopback
      WEBHOOK_ALLOWED_HOSTS: '127.0.0.1',
      WEBHOOK_RETRY_DELAYS_MS: RETRY_DELAYS_MS.join(','),
    },
  });
  const receiver = await WebhookReceiver.start();
  try {
    const staff = await system.token('scheme_staff');
    const applied = await ok<{ applyForRcbAppointment: { id: string } }>(
      system,
      `mutation($input: RcbApplicationInput!) { applyForRcbAppointment(input: $input) { id } }`,
      {
        input: {
          name: 'Bench Certification Body',
          country: 'DE',
          companyDetails: { legalName: 'Bench Certification GmbH', address: ['Hauptstr. 1', 'Berlin'] },
          contacts: [{ name: 'Bert Kuhn', email: 'bert@bench-cert.example' }],
          nationalAccreditationBody: 'DAkkS',
          accreditationReference: 'D-ZM-12345-01-00',
          countriesServed: ['DE'],
        },
      },
    );
    const rcbId = applied.applyForRcbAppointment.id;
    await ok(
      system,
      `mutation($id: ID!) { beginRcbAssessment(rcbId: $id) { status } }`,
      { id: rcbId },
      staff,
    );
    await ok(
      system,
      `mutation($id: ID!) { decideRcbApplication(rcbId: $id, decision: APPOINT, notes: "bench") { status } }`,
      { id: rcbId },
      staff,
    );
    const created = await ok<{ createWebhookEndpoint: { secret: string } }>(
      system,
      `mutation($input: CreateWebhookEndpointInput!) { createWebhookEndpoint(input: $input) { secret } }`,
      { input: { url: receiver.url, eventTypes: ['RCB_STATUS_CHANGED'], ownerKind: 'RCB', ownerId: rcbId } },
      staff,
    );
    const verifier = new Webhook(created.createWebhookEndpoint.secret);
    // the appointment itself may still be on its way: let it arrive before measuring
    await new Promise((resolve) => setTimeout(resolve, 2000));
    receiver.received.length = 0;

    const change = async (i: number) => {
      const mutation = i % 2 === 0 ? 'suspendRcb' : 'reinstateRcb';
      await ok(
        system,
        `mutation($id: ID!) { ${mutation}(rcbId: $id, reason: "bench change ${i}") { status } }`,
        {
          id: rcbId,
        },
        staff,
      );
    };

    const measure = async (count: number, first: number) => {
      const total: number[] = [];
      const afterCommit: number[] = [];
      for (let i = 0; i < count; i++) {
        const before = receiver.delivered.length;
        const sent = performance.now();
        await change(first + i);
        const committed = performance.now();
        const [received] = (await receiver.waitForDeliveries(before + 1, 60_000)).slice(before);
        verifier.verify(received.body, {
          'webhook-id': String(received.headers['webhook-id']),
          'webhook-timestamp': String(received.headers['webhook-timestamp']),
          'webhook-signature': String(received.headers['webhook-signature']),
        });
        total.push(received.receivedAt - sent);
        afterCommit.push(received.receivedAt - committed);
      }
      return { total: summarizeLatencies(total), afterCommit: summarizeLatencies(afterCommit) };
    };

    log(`phase 1: ${changes} state changes, each delivered at the first attempt`);
    const direct = await measure(changes, 0);
    log(`  mutation sent -> webhook received: ${fmt(direct.total)}`);
    log(`  mutation answered (committed) -> webhook received: ${fmt(direct.afterCommit)}`);

    log(`phase 2: ${retried} state changes, the receiver failing each delivery's first two attempts (503)`);
    receiver.answer = ({ attempt }) => (attempt <= 2 ? 503 : 204);
    const retriedRun = await measure(retried, changes);
    const attemptsPerDelivery = receiver.received.length - changes;
    log(`  mutation sent -> webhook received after 2 failures: ${fmt(retriedRun.total)}`);
    log(
      `  attempts seen by the receiver: ${attemptsPerDelivery} for ${retried} deliveries; ` +
        `scheduled delays ${RETRY_DELAYS_MS[0]} + ${RETRY_DELAYS_MS[1]} ms ±20 % jitter`,
    );

    const dir = join(workspaceRoot, 'bench-results');
    mkdirSync(dir, { recursive: true });
    const file = join(dir, `webhook-latency-${new Date().toISOString().replace(/[:.]/g, '-')}.json`);
    writeFileSync(
      file,
      JSON.stringify(
        { changes, retried, retryDelaysMs: RETRY_DELAYS_MS, direct, retriedRun, attemptsPerDelivery },
        null,
        2,
      ),
    );
    log(`results written to ${file}`);
  } finally {
    await receiver.close();
    await system.stop();
  }
}

main().catch((error: unknown) => {
  console.error(error);
  process.exit(1);
});
