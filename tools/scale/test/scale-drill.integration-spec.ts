import { runDrill, type DrillResult } from '../src/drill';
import { drillTable } from '../src/report';

// The drill's short form for CI: two replicas of the services on the release -> certificate path
// and of the registry, two gateways, on a 3-node JetStream cluster with R3 streams; one certificate
// replica SIGKILLed and the busiest stream's leader killed under load. `npm run scale-test` is the full drill.

let result: DrillResult;

beforeAll(async () => {
  result = await runDrill({
    replicasOf: { accreditation: 1, notifications: 1 },
    faults: ['kill-replica:certificate', 'kill-stream-leader'],
    calmMs: 3_000,
    recordsPerImport: 5,
  });
  process.stdout.write(`${drillTable(result)}\n`);
}, 140_000);

it('loses and duplicates no effect through a killed replica and a lost stream leader', () => {
  expect(result.problems).toEqual([]);
  for (const flow of result.flows) {
    expect({ flow: flow.flow, duplicated: flow.duplicated, lost: flow.lost }).toEqual({
      flow: flow.flow,
      duplicated: 0,
      lost: 0,
    });
    expect(flow.delivered).toBe(flow.expected);
  }
  // the load did reach every flow: a drill that moved nothing proves nothing
  expect(result.flows.map((f) => f.expected).every((n) => n > 0)).toBe(true);
  expect(result.faults.map((f) => f.fault)).toEqual(['kill-replica:certificate', 'kill-stream-leader']);
});

it('runs each scheduled tick once across replicas, and every process recovers', () => {
  expect(result.jobs.length).toBeGreaterThan(0);
  for (const job of result.jobs)
    expect({ job: job.job, unfinished: job.unfinished }).toEqual({ job: job.job, unfinished: 0 });
  expect(result.processes.every((p) => p.ready && p.unexpectedDeaths === 0)).toBe(true);
  // the killed replica was started again, the others never
  expect(result.processes.filter((p) => p.starts > 1).map((p) => p.id)).toEqual(['certificate-1']);
});

it('holds rate limits, idempotency keys, revocations and per-aggregate order across replicas', () => {
  expect(result.rateLimit.allowed).toBeGreaterThanOrEqual(result.rateLimit.burst);
  expect(result.rateLimit.allowed).toBeLessThanOrEqual(result.rateLimit.budget);
  expect(result.idempotency.effects).toBeLessThanOrEqual(result.idempotency.sentTwice);
  expect(result.revocation.seconds).not.toBeNull();
  expect(result.revocation.seconds as number).toBeLessThan(10);
  expect(result.ordering.finalRegistry).toBe(result.ordering.finalAccreditation);
});
