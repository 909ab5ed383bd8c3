import { randomBytes, randomUUID } from 'node:crypto';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Client } from 'pg';
import { connect, type NatsConnection } from 'nats';
import {
  BUS_IDENTITIES,
  busServerConfig,
  ensureStreams,
  streamNameFor,
  type BusUser,
} from '@iso20000/events';
import { NatsCluster, eventually, sleep, tokenFor } from '@iso20000/testing';
import { SUBGRAPH_SERVICES, urlVariableOf, type SubgraphServiceName } from '@iso20000/topology';
import { composeSupergraph } from '@iso20000/tool-compose';
import { ensureInfrastructure, freePort, workspaceRoot } from '@iso20000/tool-dev';
import { startBalancer, type Backend, type Balancer } from './balancer';
import { Fleet } from './fleet';
import {
  anotherVisitor,
  apiKey,
  bearer,
  certificationRecord,
  inDays,
  LoadClient,
  Q,
  type RequestRecord,
} from './load';

export type FaultName =
  `kill-replica:${SubgraphServiceName}` | 'kill-stream-leader' | 'kill-gateway' | 'pause-postgres';

export const ALL_FAULTS: readonly FaultName[] = [
  ...SUBGRAPH_SERVICES.map((s) => `kill-replica:${s}` as const),
  'kill-stream-leader',
  'kill-gateway',
  'pause-postgres',
];

export interface DrillOptions {
  /** Replicas of each subgraph service (default 2). */
  replicas?: number;
  /** Replicas of a service other than `replicas` (the CI form runs fewer of some). */
  replicasOf?: Partial<Record<SubgraphServiceName, number>>;
  /** Gateways (default 2). */
  gateways?: number;
  faults?: readonly FaultName[];
  /** How long PostgreSQL is frozen for the pause-postgres fault (default 10 s). */
  pauseMs?: number;
  /** Load before the first fault and after the last (default 10 s). */
  calmMs?: number;
  /** Records per RCB bulk import (default 10). */
  recordsPerImport?: number;
  /** Interval of the scheduled jobs during the drill (default 5 s), so a few minutes hold many ticks. */
  jobIntervalMs?: number;
  say?: (message: string) => void;
  /** Aborted (Ctrl-C): everything started is stopped at once, the databases dropped. */
  signal?: AbortSignal;
}

export interface FlowRow {
  flow: string;
  expected: number;
  delivered: number;
  duplicated: number;
  /** What the client was told succeeded and is missing (lost). */
  lost: number;
  note: string;
}

export interface FaultRow {
  fault: string;
  target: string;
  requests: number;
  failed: number;
  failingForS: number;
  recoveredInS: number;
}

export interface JobRow {
  service: string;
  job: string;
  ticks: number;
  done: number;
  caughtUp: number;
  unfinished: number;
  retried: number;
  /** Ticks between the first and the last that have no row at all. */
  missing: number;
}

export interface DrillResult {
  flows: FlowRow[];
  faults: FaultRow[];
  jobs: JobRow[];
  revocation: { seconds: number | null; targets: number; note: string };
  idempotency: { sentTwice: number; replayed: number; effects: number };
  /** burst: allowed at once; budget: at most allowed (the burst and what it regained meanwhile). */
  rateLimit: { burst: number; budget: number; sent: number; allowed: number; replicas: number };
  ordering: { flips: number; finalAccreditation: string; finalRegistry: string };
  processes: { id: string; starts: number; unexpectedDeaths: number; ready: boolean }[];
  requests: { total: number; failed: number };
  /** Per operation: sent, failed, and the failures by code. */
  operations: { op: string; sent: number; failed: number; errors: string }[];
  durationS: number;
  problems: string[];
}

const READY_TIMEOUT_MS = 180_000;

const databaseUrlFor = (serverUrl: string, database: string, port?: number) => {
  const url = new URL(serverUrl);
  url.pathname = `/${database}`;
  if (port !== undefined) {
    url.hostname = '127.0.0.1';
    url.port = String(port);
  }
  return url.toString();
};

/**
 * The scale-out drill: a 3-node JetStream cluster with the bus users, PostgreSQL behind a proxy the
 * drill can freeze, N replicas of every service and M gateways behind loopback load balancers, a
 * mixed load through the gateways, faults one at a time with recovery between, then the effects
 * counted in the databases. Everything it starts, it stops; its databases are dropped.
 */
export async function runDrill(options: DrillOptions = {}): Promise<DrillResult> {
  const started = Date.now();
  const tell = options.say ?? (() => undefined);
  const say = (message: string) => tell(`${Math.round((Date.now() - started) / 1000)} s: ${message}`);
  const replicas = options.replicas ?? 2;
  const replicasOf = (service: SubgraphServiceName) => options.replicasOf?.[service] ?? replicas;
  const gatewayCount = options.gateways ?? 2;
  const faults = options.faults ?? ALL_FAULTS;
  const pauseMs = options.pauseMs ?? 10_000;
  const calmMs = options.calmMs ?? 10_000;
  const recordsPerImport = options.recordsPerImport ?? 10;
  const jobIntervalMs = options.jobIntervalMs ?? 5_000;
  const problems: string[] = [];
  const cleanups: Array<() => Promise<void>> = [];
  const cleanUp = async () => {
    for (let fn = cleanups.pop(); fn; fn = cleanups.pop()) await fn().catch(() => undefined);
  };
  options.signal?.addEventListener('abort', () => void cleanUp());
  const fleet = new Fleet();
  const work = mkdtempSync(join(tmpdir(), 'scale-drill-'));
  cleanups.push(async () => rmSync(work, { recursive: true, force: true }));

  try {
    // PostgreSQL: the usual discovery (the tests' rules); the NATS it finds is not used.
    const infrastructure = await ensureInfrastructure(() => undefined);
    cleanups.push(() => infrastructure.stop());
    const serverUrl = infrastructure.databaseUrl;
    const prefix = `scale_${randomBytes(3).toString('hex')}`;
    // the drill's databases go with it (run after its processes are stopped)
    cleanups.push(async () => {
      const server = new Client({ connectionString: databaseUrlFor(serverUrl, 'postgres') });
      await server.connect();
      try {
        for (const service of SUBGRAPH_SERVICES)
          await server.query(`DROP DATABASE IF EXISTS "${prefix}_${service}" WITH (FORCE)`);
      } finally {
        await server.end();
      }
    });
    const pg = new URL(serverUrl);

    // The bus: three nodes, the processes' users and their grants, plus the drill's own admin user.
    const users: BusUser[] = BUS_IDENTITIES.map((identity) => ({
      identity,
      user: identity,
      password: `p${randomBytes(18).toString('hex')}`,
    }));
    const drillUser = { user: 'drill', password: `p${randomBytes(18).toString('hex')}` };
    const cluster = await NatsCluster.start({
      config: (port, storeDir) => {
        const config = JSON.parse(busServerConfig({ users, host: '127.0.0.1', port, storeDir })) as {
          authorization: { users: unknown[] };
        };
        config.authorization.users.push(drillUser);
        return JSON.stringify(config);
      },
    });
    cleanups.push(() => cluster.dispose());
    say(`NATS cluster: ${cluster.urls}`);
    const admin: NatsConnection = await connect({
      servers: cluster.nodes.map((n) => n.url),
      user: drillUser.user,
      pass: drillUser.password,
      maxReconnectAttempts: -1,
      reconnectTimeWait: 250,
    });
    cleanups.push(() => admin.close());
    // the cluster elects its leaders, then holds every stream on its three nodes
    await ensureStreams(admin, undefined, 3);

    // PostgreSQL behind a proxy of our own: SIGSTOP freezes it, the shared server stays untouched.
    const proxyPort = await freePort();
    fleet.add({
      id: 'pg-proxy',
      role: 'pg-proxy',
      entry: join(__dirname, 'tcp-proxy-main.ts'),
      env: {
        ...(process.env as Record<string, string>),
        ARGS: `${proxyPort} ${pg.hostname} ${pg.port || '5432'}`,
      },
      port: proxyPort,
      ready: 'tcp',
    });
    await fleet.start('pg-proxy', 30_000);

    const composed = composeSupergraph();
    if (!composed.ok) throw new Error(`composition failed:\n${composed.errors.join('\n')}`);
    const supergraphPath = join(work, 'supergraph.graphql');
    writeFileSync(supergraphPath, composed.supergraphSdl);

    const authSecret = randomBytes(32).toString('base64url');
    const common: Record<string, string> = {
      PATH: process.env.PATH ?? '',
      HOME: process.env.HOME ?? '/tmp',
      NODE_ENV: 'development',
      LOG_LEVEL: process.env.SCALE_LOG_LEVEL ?? 'warn',
      NATS_URL: cluster.urls,
      AUTH_DEV_SECRET: authSecret,
      STREAM_REPLICAS: '3',
      REGISTRY_EXPIRY_INTERVAL_MS: String(jobIntervalMs),
      CERTIFICATE_SWEEP_INTERVAL_MS: String(jobIntervalMs),
      EVENTS_RETENTION_INTERVAL_MS: String(jobIntervalMs),
      SERVICE_TRUSTED_PROXIES: '127.0.0.1,::1',
      GATEWAY_TRUSTED_PROXIES: '127.0.0.1,::1',
      HOST: '127.0.0.1',
      ...(process.env.NATS_SERVER_BIN ? { NATS_SERVER_BIN: process.env.NATS_SERVER_BIN } : {}),
    };
    const password = (identity: string) => users.find((u) => u.identity === identity)?.password ?? '';

    // Each service: its replicas, and a balancer in front (what the gateways call).
    const balancers = new Map<string, Balancer>();
    const backendsOf = (role: string): Backend[] =>
      fleet.byRole(role).map((m) => ({ host: '127.0.0.1', port: m.port }));
    for (const service of SUBGRAPH_SERVICES) {
      for (let i = 1; i <= replicasOf(service); i++) {
        fleet.add({
          id: `${service}-${i}`,
          role: service,
          entry: join(workspaceRoot, 'services', service, 'src', 'main.ts'),
          env: {
            ...common,
            PORT: String(await freePort()),
            DATABASE_URL: databaseUrlFor(serverUrl, `${prefix}_${service}`, proxyPort),
            NATS_USER: service,
            NATS_PASSWORD: password(service),
          },
          port: 0,
          readyPath: '/ready',
        });
        const member = fleet.get(`${service}-${i}`);
        member.port = Number(member.env.PORT);
      }
      const balancer = await startBalancer(() => backendsOf(service));
      balancers.set(service, balancer);
      cleanups.push(() => balancer.close());
    }
    for (let i = 1; i <= gatewayCount; i++) {
      const port = await freePort();
      fleet.add({
        id: `gateway-${i}`,
        role: 'gateway',
        entry: join(workspaceRoot, 'gateway', 'src', 'main.ts'),
        env: {
          ...common,
          PORT: String(port),
          SUPERGRAPH_PATH: supergraphPath,
          NATS_USER: 'gateway',
          NATS_PASSWORD: password('gateway'),
          ...Object.fromEntries(
            SUBGRAPH_SERVICES.map((s) => [
              urlVariableOf(s),
              `http://127.0.0.1:${balancers.get(s)?.port}/graphql`,
            ]),
          ),
        },
        port,
        readyPath: '/ready',
      });
    }
    const front = await startBalancer(() => backendsOf('gateway'));
    cleanups.push(() => front.close());
    cleanups.push(() => fleet.stopAll());

    // The first replica of each service migrates and creates the streams; the others start beside it.
    say(
      `starting ${SUBGRAPH_SERVICES.map((s) => `${replicasOf(s)} x ${s}`).join(', ')} and ${gatewayCount} gateways...`,
    );
    const startedIn = await Promise.all(
      SUBGRAPH_SERVICES.flatMap((s) =>
        Array.from({ length: replicasOf(s) }, (_, i) => fleet.start(`${s}-${i + 1}`, READY_TIMEOUT_MS)),
      ),
    );
    say(`services ready (slowest ${Math.round(Math.max(...startedIn) / 1000)} s)`);
    await Promise.all(fleet.byRole('gateway').map((g) => fleet.start(g.id, READY_TIMEOUT_MS)));
    say('gateways ready');
    const drillFrom = new Date();

    const client = new LoadClient(`http://127.0.0.1:${front.port}/graphql`);
    const setup = new LoadClient(client.url);
    const token = (role: 'scheme_staff' | 'analyst' | 'candidate', candidateId?: string) =>
      tokenFor(
        {
          role,
          subject: `${role}-${candidateId ?? 'scale'}`,
          // a candidate registers under the name on their token
          ...(candidateId ? { candidateId, name: 'Casey Candidate' } : { name: 'Scale Drill' }),
        },
        authSecret,
      );
    const staff = await token('scheme_staff');
    const analyst = await token('analyst');
    const must = async <T>(
      op: string,
      query: string,
      variables: Record<string, unknown>,
      headers: Record<string, string>,
    ) => {
      const answer = await setup.request<T>(op, query, variables, headers);
      if (answer.errors?.length || !answer.data) throw new Error(`${op}: ${JSON.stringify(answer.errors)}`);
      return answer.data;
    };

    // Two appointed RCBs: one imports and suspends, one is suspended and reinstated over and over.
    const appointRcb = async (name: string) => {
      const applied = await must<{ applyForRcbAppointment: { id: string } }>(
        'apply',
        `mutation($input: RcbApplicationInput!) { applyForRcbAppointment(input: $input) { id } }`,
        {
          input: {
            name,
            country: 'DE',
            companyDetails: { legalName: `${name} GmbH`, address: ['Hauptstr. 1', 'Berlin'] },
            contacts: [{ name: 'Bert Kuhn', email: 'bert@scale-drill.example' }],
            nationalAccreditationBody: 'DAkkS',
            accreditationReference: `D-ZM-${Math.floor(10000 + Math.random() * 89999)}-01-00`,
            countriesServed: ['DE', 'GB'],
          },
        },
        anotherVisitor(),
      );
      const id = applied.applyForRcbAppointment.id;
      await must(
        'assess',
        `mutation($id: ID!) { beginRcbAssessment(rcbId: $id) { status } }`,
        { id },
        bearer(staff),
      );
      await must(
        'appoint',
        `mutation($id: ID!) { decideRcbApplication(rcbId: $id, decision: APPOINT, notes: "meets ISO/IEC 17021-1") { status } }`,
        { id },
        bearer(staff),
      );
      return id;
    };
    const createCredential = async (rcbId: string) =>
      (
        await must<{ createRcbCredential: { apiKey: string; credential: { id: string } } }>(
          'credential',
          `mutation($id: ID!) { createRcbCredential(rcbId: $id, label: "scale drill") { apiKey credential { id } } }`,
          { id: rcbId },
          bearer(staff),
        )
      ).createRcbCredential;
    const importer = await appointRcb('Scale Drill Certification');
    const flipper = await appointRcb('Scale Drill Flip Certification');
    const importerKey = (await createCredential(importer)).apiKey;
    // the registry follows the appointment by event, then accepts the RCB's records
    await eventually(
      async () => {
        const answer = await setup.request<{ upsertCertifications: { created: number } }>(
          'first import',
          Q.upsert,
          { input: [certificationRecord(`SD-${prefix}-0`)] },
          apiKey(importerKey),
        );
        return answer.data?.upsertCertifications ? true : undefined;
      },
      60_000,
      'the registry to accept the appointed RCB',
    );

    // ----- the load -----
    let loading = true;
    const acknowledgedImports = new Set<string>([`SD-${prefix}-0`]);
    const importedIds: { id: string; number: string; version: number }[] = [];
    const suspendedByClient = new Set<string>();
    let idempotentPairs = 0;
    let replayedAnswers = 0;
    let releasesAcknowledged = 0;
    let flips = 0;
    let forms: string[][] | null = null;
    const pace = () => sleep(150 + Math.random() * 200);

    const releaseFlow = async () => {
      while (loading) {
        const candidateId = randomUUID();
        const candidate = await token('candidate', candidateId);
        const session = await client.data<{ scheduleExamSession: { id: string } }>(
          'scheduleExamSession',
          Q.schedule,
          {
            input: {
              kind: 'PUBLIC',
              examCode: 'FOUNDATION',
              venue: 'Scheme office, London',
              country: 'GB',
              region: 'UK',
              startsAt: inDays(7),
              languages: ['en'],
              capacity: 25,
            },
          },
          bearer(staff),
        );
        if (!session) {
          await pace();
          continue;
        }
        const registered = await client.data<{ registerForExam: { id: string } }>(
          'registerForExam',
          Q.register,
          {
            input: { sessionId: session.scheduleExamSession.id, language: 'en' },
          },
          bearer(candidate),
        );
        if (!registered) {
          await pace();
          continue;
        }
        const sittingId = registered.registerForExam.id;
        if (!(await client.data('recordSittingAttendance', Q.attend, { id: sittingId }, bearer(staff)))) {
          await pace();
          continue;
        }
        if (!forms) {
          const found = await client.data<{
            examForms: { edges: { node: { answerKey: { answers: string[] } } }[] };
          }>('examForms', Q.forms, {}, bearer(staff));
          forms = found ? found.examForms.edges.map((e) => e.node.answerKey.answers) : null;
          if (!forms) {
            await pace();
            continue;
          }
        }
        const answers = forms[0].map((answer, i) => (i < 34 ? answer : null));
        const marked = await client.data<{ markSitting: { state: string } }>(
          'markSitting',
          Q.mark,
          {
            input: { sittingId, answers },
          },
          bearer(staff),
        );
        if (marked?.markSitting.state === 'RELEASED') releasesAcknowledged += 1;
        await pace();
      }
    };

    let batch = 0;
    const importFlow = async () => {
      while (loading) {
        batch += 1;
        const numbers = Array.from({ length: recordsPerImport }, (_, i) => `SD-${prefix}-${batch}-${i}`);
        const result = await client.data<{
          upsertCertifications: {
            records: {
              certificateNumber: string;
              outcome: string;
              certification: { id: string; version: number } | null;
            }[];
          };
        }>(
          'upsertCertifications',
          Q.upsert,
          { input: numbers.map(certificationRecord) },
          apiKey(importerKey),
        );
        for (const record of result?.upsertCertifications.records ?? []) {
          if (record.outcome === 'CREATED' && record.certification) {
            acknowledgedImports.add(record.certificateNumber);
            importedIds.push({
              id: record.certification.id,
              number: record.certificateNumber,
              version: record.certification.version,
            });
          }
        }
        await pace();
      }
    };

    // Each suspension sent twice at once with one idempotency key, as a client retrying on another gateway.
    const suspendFlow = async () => {
      while (loading) {
        const target = importedIds.shift();
        if (!target) {
          await sleep(300);
          continue;
        }
        const key = randomUUID();
        const send = () =>
          client.data<{ suspendCertification: { replayed: boolean; certification: { status: string } } }>(
            'suspendCertification',
            Q.suspend,
            { id: target.id, v: target.version, key },
            apiKey(importerKey),
          );
        const answers = await Promise.all([send(), send()]);
        idempotentPairs += 1;
        for (const answer of answers) {
          if (answer?.suspendCertification.certification.status === 'SUSPENDED')
            suspendedByClient.add(target.id);
          if (answer?.suspendCertification.replayed) replayedAnswers += 1;
        }
        await pace();
      }
    };

    const readFlow = async () => {
      while (loading) {
        const numbers = [...acknowledgedImports];
        const number = numbers[Math.floor(Math.random() * numbers.length)];
        await client.request(
          'verifyOrganizationCertification',
          Q.verifyOrganization,
          { n: number, rcb: importer },
          anotherVisitor(),
        );
        await client.request('examStatistics', Q.statistics, {}, bearer(analyst));
        await pace();
      }
    };

    // Suspended then reinstated at once: every view must end reinstated, whatever order events arrive in.
    const flipFlow = async () => {
      while (loading) {
        const suspended = await client.data('suspendRcb', Q.suspendRcb, { id: flipper }, bearer(staff));
        const reinstated = await client.data('reinstateRcb', Q.reinstateRcb, { id: flipper }, bearer(staff));
        if (suspended && reinstated) flips += 1;
        await sleep(1_000 + Math.random() * 1_000);
      }
    };

    const flows = [releaseFlow(), releaseFlow(), importFlow(), suspendFlow(), readFlow(), flipFlow()];
    say('load running');
    await sleep(calmMs);

    // Rate limits and idempotency keys live in PostgreSQL: one client's budget spent on both replicas.
    const rateLimit = await proveRateLimitAcrossReplicas(fleet, importer);

    // Revocation: a fresh key of the flipping RCB, working everywhere, then revoked.
    const revocation = await measureRevocation(fleet, setup, staff, flipper, must);
    say(`revocation reached every replica in ${revocation.seconds ?? '—'} s`);

    // ----- the faults, one at a time -----
    const faultRows: FaultRow[] = [];
    for (const fault of faults) {
      say(`fault: ${fault}`);
      const row = await inject(fault, { fleet, cluster, admin, pauseMs, say });
      const windowFailures = client.records.filter(
        (r) => r.endedAt >= row.injectedAt && r.startedAt <= row.recoveredAt + 2_000,
      );
      const failed = windowFailures.filter((r) => !r.ok);
      faultRows.push({
        fault,
        target: row.target,
        requests: windowFailures.length,
        failed: failed.length,
        failingForS: failed.length
          ? round(
              (Math.max(...failed.map((r) => r.endedAt)) - Math.min(...failed.map((r) => r.startedAt))) /
                1000,
            )
          : 0,
        recoveredInS: round((row.recoveredAt - row.injectedAt) / 1000),
      });
      await sleep(3_000); // recovery between faults
    }
    await sleep(calmMs);
    loading = false;
    await Promise.all(flows);
    say('load stopped; waiting for the events to settle');

    // ----- the effects, counted where they landed -----
    const db = (service: SubgraphServiceName) => databaseUrlFor(serverUrl, `${prefix}_${service}`);
    const query = async <T>(
      service: SubgraphServiceName,
      sql: string,
      params: unknown[] = [],
    ): Promise<T[]> => {
      const c = new Client({ connectionString: db(service) });
      await c.connect();
      try {
        return (await c.query(sql, params)).rows as T[];
      } finally {
        await c.end();
      }
    };

    // Released passes (the exam's truth) against certificates issued (the certificate service's).
    const released = async () =>
      (
        await query<{ id: string }>(
          'exam',
          `SELECT id::text FROM sittings WHERE state = 'RELEASED' AND passed`,
        )
      ).map((r) => r.id);
    let certificateRow = { rows: 0, sittings: 0, expected: 0 };
    await eventually(
      async () => {
        const sittings = await released();
        const [row] = await query<{ rows: number; sittings: number }>(
          'certificate',
          `SELECT count(*)::int AS rows, count(DISTINCT sitting_id)::int AS sittings FROM certificate WHERE sitting_id = ANY($1::uuid[])`,
          [sittings],
        );
        certificateRow = { ...row, expected: sittings.length };
        return row.sittings === sittings.length ? true : undefined;
      },
      90_000,
      'a certificate for every released pass',
    ).catch(() => problems.push('not every released pass had its certificate within 90 s'));
    // the exam service's copy of issued certificates (a consumer of certificate.issued): every
    // certificate the certificate service announced as issued, once
    const issuedIds = async () =>
      (
        await query<{ id: string }>(
          'certificate',
          `SELECT DISTINCT payload->>'certificateId' AS id FROM outbox_event WHERE subject = 'certificate.certificate.issued'`,
        )
      ).map((r) => r.id);
    let qualifications = { rows: 0, certificates: 0, expected: 0 };
    await eventually(
      async () => {
        const ids = await issuedIds();
        const [row] = await query<{ rows: number; certificates: number }>(
          'exam',
          `SELECT count(*)::int AS rows, count(DISTINCT certificate_id)::int AS certificates
             FROM candidate_qualifications WHERE certificate_id = ANY($1::uuid[])`,
          [ids],
        );
        qualifications = { ...row, expected: ids.length };
        return row.certificates === ids.length ? true : undefined;
      },
      90_000,
      'the exam service to know every issued certificate',
    ).catch(() => problems.push('the exam service did not learn of every issued certificate within 90 s'));

    const [imports] = await query<{ rows: number; numbers: number; acknowledged: number }>(
      'registry',
      `SELECT count(*)::int AS rows, count(DISTINCT certificate_number)::int AS numbers,
              count(*) FILTER (WHERE certificate_number = ANY($2))::int AS acknowledged
         FROM organization_certification WHERE rcb_id = $1`,
      [importer, [...acknowledgedImports]],
    );
    const [suspensions] = await query<{
      rows: number;
      certifications: number;
      events: number;
      eventCertifications: number;
    }>(
      'registry',
      `SELECT (SELECT count(*)::int FROM certification_history h JOIN organization_certification c ON c.id = h.certification_id
                WHERE c.rcb_id = $1 AND h.change = 'SUSPENDED') AS rows,
              (SELECT count(DISTINCT h.certification_id)::int FROM certification_history h JOIN organization_certification c ON c.id = h.certification_id
                WHERE c.rcb_id = $1 AND h.change = 'SUSPENDED') AS certifications,
              (SELECT count(*)::int FROM outbox_event WHERE subject = 'registry.certification.changed'
                AND payload->>'rcbId' = $1::text AND payload->>'change' = 'SUSPENDED') AS events,
              (SELECT count(DISTINCT payload->>'certificationId')::int FROM outbox_event WHERE subject = 'registry.certification.changed'
                AND payload->>'rcbId' = $1::text AND payload->>'change' = 'SUSPENDED') AS "eventCertifications"`,
      [importer],
    );
    const suspendedAcknowledgedMissing = (
      await query<{ id: string }>(
        'registry',
        `SELECT x AS id FROM unnest($1::uuid[]) x WHERE NOT EXISTS (
           SELECT 1 FROM certification_history h WHERE h.certification_id = x AND h.change = 'SUSPENDED')`,
        [[...suspendedByClient]],
      )
    ).length;

    // Ordering: the flips end with a reinstatement (a fault may have cut the last one short), and
    // every copy must end on it, whatever order the events were handled in.
    await eventually(
      async () => {
        const [row] = await query<{ status: string }>(
          'accreditation',
          `SELECT status FROM rcb WHERE id = $1`,
          [flipper],
        );
        if (row?.status === 'APPOINTED') return true;
        await setup.request('reinstateRcb', Q.reinstateRcb, { id: flipper }, bearer(staff));
        return undefined;
      },
      60_000,
      'the flipped RCB reinstated',
    );
    const finalAccreditation = (
      await query<{ status: string }>('accreditation', `SELECT status FROM rcb WHERE id = $1`, [flipper])
    )[0]?.status;
    let finalRegistry = '';
    await eventually(async () => {
      finalRegistry =
        (await query<{ status: string }>('registry', `SELECT status FROM rcb WHERE id = $1`, [flipper]))[0]
          ?.status ?? '';
      return finalRegistry === finalAccreditation ? true : undefined;
    }, 30_000).catch(() =>
      problems.push(
        `the registry's copy of the flipped RCB says ${finalRegistry}, accreditation ${finalAccreditation}`,
      ),
    );

    // Every event each consumer handled, once: no inbox row twice is the primary key; an effect twice would show above.
    const passesReleased = certificateRow.expected;
    const flowRows: FlowRow[] = [
      {
        flow: 'passes released -> certificates issued',
        expected: passesReleased,
        delivered: certificateRow.sittings,
        duplicated: certificateRow.rows - certificateRow.sittings,
        lost: Math.max(0, releasesAcknowledged - certificateRow.sittings),
        note: `${releasesAcknowledged} releases acknowledged to the client`,
      },
      {
        flow: 'certificates issued -> exam qualifications',
        expected: qualifications.expected,
        delivered: qualifications.certificates,
        duplicated: qualifications.rows - qualifications.certificates,
        lost: qualifications.expected - qualifications.certificates,
        note: 'exam consumes certificate.issued',
      },
      {
        flow: 'bulk records created -> registry rows',
        expected: acknowledgedImports.size,
        delivered: imports.acknowledged,
        duplicated: imports.rows - imports.numbers,
        lost: acknowledgedImports.size - imports.acknowledged,
        note: `${batch} imports of ${recordsPerImport}; ${imports.rows} rows in all`,
      },
      {
        flow: 'suspensions (sent twice, one key) -> history',
        expected: suspensions.certifications,
        delivered: suspensions.certifications,
        duplicated:
          suspensions.rows -
          suspensions.certifications +
          (suspensions.events - suspensions.eventCertifications),
        lost: suspendedAcknowledgedMissing,
        note: `${suspendedByClient.size} acknowledged, ${replayedAnswers} answers replayed, ${suspensions.events} events`,
      },
    ];

    // Scheduled jobs: one pass per tick across the replicas.
    const jobs: JobRow[] = [];
    for (const service of SUBGRAPH_SERVICES) {
      const rows = await query<{
        job: string;
        ticks: number;
        done: number;
        caught_up: number;
        unfinished: number;
        retried: number;
        span: number;
      }>(
        service,
        `SELECT job, count(*)::int AS ticks, count(*) FILTER (WHERE state = 'done')::int AS done,
                count(*) FILTER (WHERE state = 'caught_up')::int AS caught_up,
                count(*) FILTER (WHERE state IN ('running', 'failed'))::int AS unfinished,
                count(*) FILTER (WHERE attempts > 1)::int AS retried,
                (max(tick) - min(tick) + 1)::int AS span
           FROM scheduled_job_tick
          -- the ticks of the last two intervals may still be running: judged at the next run
          WHERE started_at >= $1 AND started_at < now() - $2 * interval '1 millisecond'
          GROUP BY job ORDER BY job`,
        [drillFrom, 2 * jobIntervalMs],
      );
      for (const r of rows)
        jobs.push({
          service,
          job: r.job,
          ticks: r.ticks,
          done: r.done,
          caughtUp: r.caught_up,
          unfinished: r.unfinished,
          retried: r.retried,
          missing: r.span - r.ticks,
        });
    }

    const processes = await Promise.all(
      [...fleet.members.values()].map(async (m) => ({
        id: m.id,
        starts: m.starts,
        unexpectedDeaths: m.unexpectedDeaths,
        ready: m.role === 'pg-proxy' ? fleet.isRunning(m.id) : await fleet.answers(m),
      })),
    );
    for (const p of processes) {
      if (!p.ready) problems.push(`${p.id} is not ready at the end`);
      if (p.unexpectedDeaths > 0) problems.push(`${p.id} died ${p.unexpectedDeaths} time(s) by itself`);
    }
    for (const row of flowRows) {
      if (row.duplicated > 0) problems.push(`${row.flow}: ${row.duplicated} duplicated`);
      if (row.lost > 0 || row.delivered < row.expected)
        problems.push(`${row.flow}: ${Math.max(row.lost, row.expected - row.delivered)} lost`);
    }
    for (const job of jobs) {
      if (job.unfinished > 0)
        problems.push(`${job.service} ${job.job}: ${job.unfinished} tick(s) left unfinished`);
      if (job.missing > 0) problems.push(`${job.service} ${job.job}: ${job.missing} tick(s) with no record`);
    }
    if (finalRegistry !== finalAccreditation || finalAccreditation !== 'APPOINTED')
      problems.push(
        `RCB status copy out of order: accreditation ${finalAccreditation}, registry ${finalRegistry}`,
      );
    if (rateLimit.allowed > rateLimit.budget || rateLimit.allowed < rateLimit.burst)
      problems.push(
        `rate limit across replicas: ${rateLimit.allowed} allowed of a budget of ${rateLimit.budget}`,
      );
    if (revocation.seconds === null) problems.push(`revoked key still accepted: ${revocation.note}`);

    const records: RequestRecord[] = client.records;
    return {
      flows: flowRows,
      faults: faultRows,
      jobs,
      revocation,
      idempotency: { sentTwice: idempotentPairs, replayed: replayedAnswers, effects: suspensions.rows },
      rateLimit,
      ordering: { flips, finalAccreditation: finalAccreditation ?? '', finalRegistry },
      processes,
      requests: { total: records.length, failed: records.filter((r) => !r.ok).length },
      operations: operationsOf(records),
      durationS: round((Date.now() - started) / 1000),
      problems,
    };
  } catch (error) {
    const logs = fleet.recentLogs(undefined, 60);
    throw new Error(
      `${error instanceof Error ? error.message : String(error)}\n--- last process lines ---\n${logs}`,
      { cause: error },
    );
  } finally {
    // the databases go with the drill
    await cleanUp();
  }
}

const round = (n: number) => Math.round(n * 10) / 10;

function operationsOf(records: readonly RequestRecord[]) {
  const byOp = new Map<string, { sent: number; failed: number; errors: Map<string, number> }>();
  for (const r of records) {
    const entry = byOp.get(r.op) ?? { sent: 0, failed: 0, errors: new Map<string, number>() };
    entry.sent += 1;
    if (!r.ok) {
      entry.failed += 1;
      const what = r.message && r.error === 'BAD_USER_INPUT' ? `${r.error} (${r.message})` : (r.error ?? '?');
      entry.errors.set(what, (entry.errors.get(what) ?? 0) + 1);
    }
    byOp.set(r.op, entry);
  }
  return [...byOp.entries()].map(([op, e]) => ({
    op,
    sent: e.sent,
    failed: e.failed,
    errors: [...e.errors.entries()]
      .sort((x, y) => y[1] - x[1])
      .map(([code, n]) => `${code} ${n}`)
      .join(', '),
  }));
}

interface InjectContext {
  fleet: Fleet;
  cluster: NatsCluster;
  admin: NatsConnection;
  pauseMs: number;
  say: (message: string) => void;
}

async function allReady(fleet: Fleet, timeoutMs = 120_000): Promise<void> {
  await eventually(
    async () => {
      for (const m of fleet.members.values()) {
        if (m.role === 'pg-proxy') continue;
        if (!(await fleet.answers(m))) return undefined;
      }
      return true;
    },
    timeoutMs,
    'every process ready again',
  );
}

/** Injects one fault, undoes it as an orchestrator would, and waits until every process is ready. */
async function inject(
  fault: FaultName,
  { fleet, cluster, admin, pauseMs }: InjectContext,
): Promise<{ target: string; injectedAt: number; recoveredAt: number }> {
  if (fault.startsWith('kill-replica:') || fault === 'kill-gateway') {
    const role = fault === 'kill-gateway' ? 'gateway' : fault.slice('kill-replica:'.length);
    const target = fleet.byRole(role)[0].id;
    const injectedAt = Date.now();
    await fleet.kill(target);
    await sleep(1_000); // the orchestrator notices and starts a new one
    await fleet.start(target, READY_TIMEOUT_MS);
    await allReady(fleet);
    return { target, injectedAt, recoveredAt: Date.now() };
  }
  if (fault === 'kill-stream-leader') {
    const jsm = await admin.jetstreamManager();
    // the busiest stream: the most messages
    let busiest = { name: '', messages: -1, leader: '' };
    for (const service of SUBGRAPH_SERVICES) {
      const name = streamNameFor(`${service}.x`);
      const info = await jsm.streams.info(name);
      if (info.state.messages > busiest.messages)
        busiest = { name, messages: info.state.messages, leader: info.cluster?.leader ?? '' };
    }
    const injectedAt = Date.now();
    await cluster.kill(busiest.leader);
    await eventually(
      async () => {
        const leader = (await jsm.streams.info(busiest.name)).cluster?.leader;
        return leader && leader !== busiest.leader ? true : undefined;
      },
      60_000,
      `a new leader for ${busiest.name}`,
    );
    await allReady(fleet);
    const recoveredAt = Date.now();
    await cluster.restart(busiest.leader);
    return { target: `${busiest.name} leader ${busiest.leader}`, injectedAt, recoveredAt };
  }
  // pause-postgres
  const injectedAt = Date.now();
  fleet.signal('pg-proxy', 'SIGSTOP');
  await sleep(pauseMs);
  fleet.signal('pg-proxy', 'SIGCONT');
  await allReady(fleet);
  return { target: `PostgreSQL proxy frozen ${pauseMs / 1000} s`, injectedAt, recoveredAt: Date.now() };
}

/** A budget of 30 public lookups for one client address, spent alternately on both certificate replicas. */
async function proveRateLimitAcrossReplicas(fleet: Fleet, _rcb: string) {
  const targets = fleet.byRole('certificate');
  const address = `192.0.2.${Math.floor(1 + Math.random() * 250)}`;
  // VERIFY_RATE_LIMIT_BURST and _PER_MINUTE's defaults: 30 at once, 30 more a minute
  const burst = 30;
  const perMinute = 30;
  // more than every replica's budget together: a limit kept per replica would let 2 x 30 through
  const sent = burst * targets.length + 10;
  const startedAt = Date.now();
  const answers = await Promise.all(
    Array.from({ length: sent }, async (_, i) => {
      const target = targets[i % targets.length];
      const response = await fetch(`http://127.0.0.1:${target.port}/graphql`, {
        method: 'POST',
        headers: { 'content-type': 'application/json', 'x-forwarded-for': address },
        body: JSON.stringify({ query: `{ verifyCertificate(number: "F26-7K3Q-M9PA") { status } }` }),
      }).catch(() => null);
      const body = (await response?.json().catch(() => null)) as {
        errors?: { extensions?: { code?: string } }[];
      } | null;
      return !!response?.ok && !body?.errors?.some((e) => e.extensions?.code === 'RATE_LIMITED');
    }),
  );
  const allowed = answers.filter(Boolean).length;
  // the burst, and what the budget regained while the probe ran
  const budget = burst + Math.floor(((Date.now() - startedAt) / 60_000) * perMinute);
  return { burst, budget, sent, allowed, replicas: targets.length };
}

/** Seconds from a credential's revocation until it fails on every gateway and every registry replica. */
async function measureRevocation(
  fleet: Fleet,
  setup: LoadClient,
  staff: string,
  rcbId: string,
  must: <T>(
    op: string,
    query: string,
    variables: Record<string, unknown>,
    headers: Record<string, string>,
  ) => Promise<T>,
): Promise<{ seconds: number | null; targets: number; note: string }> {
  const issued = (
    await must<{ createRcbCredential: { apiKey: string; credential: { id: string } } }>(
      'credential',
      `mutation($id: ID!) { createRcbCredential(rcbId: $id, label: "scale drill revocation") { apiKey credential { id } } }`,
      { id: rcbId },
      bearer(staff),
    )
  ).createRcbCredential;
  const targets = [...fleet.byRole('gateway'), ...SUBGRAPH_SERVICES.flatMap((s) => fleet.byRole(s))];
  const accepted = async (port: number) => {
    const response = await fetch(`http://127.0.0.1:${port}/graphql`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', authorization: `ApiKey ${issued.apiKey}` },
      body: JSON.stringify({ query: '{ __typename }' }),
      signal: AbortSignal.timeout(5_000),
    }).catch(() => null);
    if (!response) return null;
    const body = (await response.json().catch(() => null)) as { errors?: unknown[] } | null;
    return response.ok && !body?.errors?.length;
  };
  // known everywhere first (issuance travels by event too)
  await eventually(
    async () =>
      (await Promise.all(targets.map((t) => accepted(t.port)))).every((a) => a === true) ? true : undefined,
    30_000,
    'the new credential accepted everywhere',
  );
  await setup.request(
    'revoke',
    `mutation($id: ID!) { revokeRcbCredential(credentialId: $id) { revokedAt } }`,
    { id: issued.credential.id },
    bearer(staff),
  );
  const revokedAt = Date.now();
  const refusedAt = new Map<string, number>();
  const deadline = revokedAt + 30_000;
  while (refusedAt.size < targets.length && Date.now() < deadline) {
    await Promise.all(
      targets.map(async (t) => {
        if (refusedAt.has(t.id)) return;
        if ((await accepted(t.port)) === false) refusedAt.set(t.id, Date.now());
      }),
    );
    await sleep(100);
  }
  if (refusedAt.size < targets.length) {
    const still = targets.filter((t) => !refusedAt.has(t.id)).map((t) => t.id);
    return {
      seconds: null,
      targets: targets.length,
      note: `still accepted by ${still.join(', ')} after 30 s`,
    };
  }
  const seconds = round((Math.max(...refusedAt.values()) - revokedAt) / 1000);
  return {
    seconds,
    targets: targets.length,
    note: `${targets.length} processes (gateways and every subgraph replica)`,
  };
}
