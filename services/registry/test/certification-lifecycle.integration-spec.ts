import { randomUUID } from 'node:crypto';
import { Events, wireSubject } from '@iso20000/events';
import { errorCodes, viewers } from '@iso20000/testing';
import { AckPolicy, DeliverPolicy } from 'nats';
import { expireDueCertifications } from '../src/commands/expire-due-certifications';
import { forgetOldIdempotencyKeys } from '../src/commands/forget-old-idempotency-keys';
import { certificationExpiryJob } from '../src/jobs/certification-expiry.job';
import {
  CERTIFICATION_FIELDS,
  ISSUE,
  eventually,
  isoDaysFromToday,
  issueInput,
  key,
  startHarness,
  type Harness,
} from './harness';

interface Certification {
  id: string;
  certificateNumber: string;
  version: number;
  status: string;
  statusReason: string | null;
  cycleStart: string;
  expiry: string;
  suspendedUntil: string | null;
  rcb: { id: string };
  rcbStatus: string | null;
  organization: { id: string; legalName: string };
}
type Payload = { replayed: boolean; certification: Certification };

let h: Harness;
const rcbA = randomUUID();
const rcbB = randomUUID();
const rcbC = randomUUID();
const asA = viewers.rcbIntegration(rcbA);
const asB = viewers.rcbIntegration(rcbB);
const asC = viewers.rcbIntegration(rcbC);

beforeAll(async () => {
  h = await startHarness();
  await h.setRcbStatus(rcbA, 'APPOINTED', 'Alpha Certification');
  await h.setRcbStatus(rcbB, 'APPOINTED', 'Beta Assurance');
  await h.setRcbStatus(rcbC, 'APPOINTED', 'Gamma Registrar');
});
afterAll(() => h?.close());

async function issue(viewer = asA, overrides: Record<string, unknown> = {}): Promise<Certification> {
  const result = await h.ok<{ issueCertification: Payload }>(viewer, ISSUE, {
    input: issueInput(overrides),
    key: key(),
  });
  return result.issueCertification.certification;
}

const SUSPEND = `mutation($id: ID!, $v: Int!, $reason: String!, $until: Date, $key: String!) {
  suspendCertification(id: $id, expectedVersion: $v, reason: $reason, until: $until, idempotencyKey: $key) { replayed certification { ${CERTIFICATION_FIELDS} } } }`;
const REINSTATE = `mutation($id: ID!, $v: Int!, $key: String!) {
  reinstateCertification(id: $id, expectedVersion: $v, idempotencyKey: $key) { replayed certification { ${CERTIFICATION_FIELDS} } } }`;
const WITHDRAW = `mutation($id: ID!, $v: Int!, $reason: String!, $key: String!) {
  withdrawCertification(id: $id, expectedVersion: $v, reason: $reason, idempotencyKey: $key) { replayed certification { ${CERTIFICATION_FIELDS} } } }`;
const REDUCE = `mutation($id: ID!, $v: Int!, $key: String!) {
  reduceCertificationScope(id: $id, expectedVersion: $v, scope: "Service desk only", sites: [], reason: "data centre closed", idempotencyKey: $key) {
    certification { ${CERTIFICATION_FIELDS} scope } } }`;
const EXTEND = `mutation($id: ID!, $v: Int!, $key: String!) {
  extendCertificationScope(id: $id, expectedVersion: $v, scope: "All IT services incl. cloud", sites: [], idempotencyKey: $key) {
    certification { ${CERTIFICATION_FIELDS} scope } } }`;
const SURVEILLANCE = `mutation($id: ID!, $v: Int!, $on: Date!, $key: String!) {
  recordSurveillanceAudit(id: $id, expectedVersion: $v, auditedOn: $on, idempotencyKey: $key) { certification { ${CERTIFICATION_FIELDS} } } }`;
const RECERTIFY = `mutation($id: ID!, $v: Int!, $start: Date!, $key: String!) {
  recertifyCertification(id: $id, expectedVersion: $v, cycleStart: $start, idempotencyKey: $key) { certification { ${CERTIFICATION_FIELDS} } } }`;
const TRANSFER = `mutation($id: ID!, $v: Int!, $to: ID, $number: String, $key: String!) {
  transferCertification(id: $id, expectedVersion: $v, toRcbId: $to, certificateNumber: $number, reason: "client moved", idempotencyKey: $key) {
    certification { ${CERTIFICATION_FIELDS} } } }`;
const HISTORY = `query($id: ID!) { organizationCertification(id: $id) {
  id history(first: 50) { edges { node { version change status previousStatus rcb { id } previousRcb { id } actor reason changedFields effectiveOn } } } } }`;

async function historyOf(viewer: typeof asA, id: string) {
  return h.as<{
    organizationCertification: { history: { edges: { node: Record<string, unknown> }[] } } | null;
  }>(viewer, HISTORY, { id });
}

describe('issuing', () => {
  it('issues a three-year certification, with history and a registry.certification.changed event on NATS', async () => {
    const certification = await issue();
    expect(certification).toMatchObject({
      status: 'CERTIFIED',
      version: 1,
      rcb: { id: rcbA },
      rcbStatus: 'APPOINTED',
    });
    expect(certification.expiry > certification.cycleStart).toBe(true);

    const history = await historyOf(asA, certification.id);
    expect(history.data?.organizationCertification?.history.edges.map((e) => e.node.change)).toEqual([
      'ISSUED',
    ]);

    const jsm = await h.nc.jetstreamManager();
    const stream = `${h.namespace.toUpperCase()}_REGISTRY`;
    await eventually(
      async () => {
        const info = await jsm.streams.info(stream);
        return info.state.messages > 0 ? true : undefined;
      },
      10_000,
      'the outbox relay to publish',
    );
    const consumer = await jsm.consumers.add(stream, {
      ack_policy: AckPolicy.None,
      deliver_policy: DeliverPolicy.All,
      filter_subject: wireSubject(Events.CertificationChanged.subject, h.namespace),
    });
    const js = h.nc.jetstream();
    const messages = await (
      await js.consumers.get(stream, consumer.name)
    ).fetch({ max_messages: 100, expires: 2000 });
    const payloads: { certificationId: string; change: string }[] = [];
    for await (const message of messages) {
      payloads.push((message.json() as { payload: { certificationId: string; change: string } }).payload);
      if (message.info.pending === 0) break;
    }
    expect(payloads).toContainEqual(
      expect.objectContaining({ certificationId: certification.id, change: 'ISSUED' }),
    );
  });

  it('refuses a certificate number the RCB already uses, and accepts the same number from another RCB', async () => {
    const first = await issue();
    const again = await h.as(asA, ISSUE, {
      input: issueInput({ certificateNumber: first.certificateNumber }),
      key: key(),
    });
    expect(errorCodes(again)).toEqual(['CONFLICT']);
    const other = await h.as(asB, ISSUE, {
      input: issueInput({ certificateNumber: first.certificateNumber }),
      key: key(),
    });
    expect(other.errors).toBeUndefined();
  });

  it('is for RCB integrations only', async () => {
    expect(errorCodes(await h.as(viewers.public, ISSUE, { input: issueInput(), key: key() }))).toEqual([
      'UNAUTHENTICATED',
    ]);
    expect(errorCodes(await h.as(viewers.schemeStaff(), ISSUE, { input: issueInput(), key: key() }))).toEqual(
      ['FORBIDDEN'],
    );
  });
});

describe('inputs checked against the real world', () => {
  const organization = (overrides: Record<string, unknown>) => ({
    legalName: 'Checked Inputs Ltd',
    otherNames: [],
    country: 'GB',
    address: { lines: ['1 Service Street'], city: 'Leeds', postalCode: 'LS1 1AA', country: 'GB' },
    publicListing: true,
    ...overrides,
  });
  const site = (country: string) => ({
    address: { lines: ['2 Site Road'], city: 'York', postalCode: null, country },
    scope: 'Operations',
  });

  it('refuses country codes that name no country, naming the field, and writes nothing', async () => {
    const cases: [Record<string, unknown>, string][] = [
      [{ organization: organization({ country: 'XX' }) }, 'input.organization.country'],
      [{ organization: organization({ country: 'UK' }) }, 'input.organization.country'],
      [
        { organization: organization({ address: { ...organization({}).address, country: 'ZZ' } }) },
        'input.organization.address.country',
      ],
      [{ sites: [site('GB'), site('QQ')] }, 'input.sites[1].address.country'],
    ];
    for (const [overrides, field] of cases) {
      const input = issueInput(overrides);
      const refused = await h.as(asA, ISSUE, { input, key: key() });
      expect(errorCodes(refused)).toEqual(['BAD_USER_INPUT']);
      expect(refused.errors?.[0].message).toContain(field);
      const [{ count }] = (await h.db.dataSource.query(
        `SELECT count(*)::int AS count FROM organization_certification WHERE certificate_number = $1`,
        [input.certificateNumber],
      )) as { count: number }[];
      expect(count).toBe(0);
    }
    // a code that exists is taken in any case
    const lower = await issue(asA, { organization: organization({ country: 'de' }) });
    expect(lower.organization).toMatchObject({ country: 'DE' });
  });

  it('refuses free text above its documented length, and control characters', async () => {
    const cases: [Record<string, unknown>, string][] = [
      [{ organization: organization({ legalName: 'N'.repeat(2000) }) }, 'at most 300 characters'],
      [{ organization: organization({ legalName: 'Bell\u0007 Ltd' }) }, 'control characters'],
      [{ organization: organization({ otherNames: ['Tab\tName'] }) }, 'input.organization.otherNames[0]'],
      [{ scope: 'S'.repeat(4001) }, 'at most 4000 characters'],
      [{ scope: 'IT services\u001b[31m' }, 'control characters'],
      [{ certificateNumber: 'C'.repeat(101) }, 'at most 100 characters'],
    ];
    for (const [overrides, message] of cases) {
      const refused = await h.as(asA, ISSUE, { input: issueInput(overrides), key: key() });
      expect(errorCodes(refused)).toEqual(['BAD_USER_INPUT']);
      expect(refused.errors?.[0].message).toContain(message);
    }
    const c = await issue();
    const longReason = await h.as(asA, SUSPEND, { id: c.id, v: 1, reason: 'r'.repeat(1001), key: key() });
    expect(errorCodes(longReason)).toEqual(['BAD_USER_INPUT']);
    expect(longReason.errors?.[0].message).toContain('at most 1000 characters');
    // a reason may run over several lines
    const multiline = await h.as<{ suspendCertification: Payload }>(asA, SUSPEND, {
      id: c.id,
      v: 1,
      reason: 'major nonconformity\nsee the audit report',
      key: key(),
    });
    expect(multiline.data?.suspendCertification.certification.statusReason).toBe(
      'major nonconformity\nsee the audit report',
    );
  });
});

describe('the lifecycle through the API', () => {
  it('suspends, refuses a second suspension naming the status, reinstates, reduces and extends scope, then withdraws', async () => {
    const c = await issue();
    const suspended = await h.as<{ suspendCertification: Payload }>(asA, SUSPEND, {
      id: c.id,
      v: 1,
      reason: 'major nonconformity',
      key: key(),
    });
    expect(suspended.data?.suspendCertification.certification).toMatchObject({
      status: 'SUSPENDED',
      version: 2,
      statusReason: 'major nonconformity',
    });

    const twice = await h.as(asA, SUSPEND, { id: c.id, v: 2, reason: 'again', key: key() });
    expect(errorCodes(twice)).toEqual(['CONFLICT']);
    expect(twice.errors?.[0].message).toContain('SUSPENDED');

    const tooLong = await h.as(asA, SUSPEND, {
      id: (await issue()).id,
      v: 1,
      reason: 'x',
      until: isoDaysFromToday(200),
      key: key(),
    });
    expect(errorCodes(tooLong)).toEqual(['BAD_USER_INPUT']);
    expect(tooLong.errors?.[0].message).toContain('at most 6 months');

    const reinstated = await h.as<{ reinstateCertification: Payload }>(asA, REINSTATE, {
      id: c.id,
      v: 2,
      key: key(),
    });
    expect(reinstated.data?.reinstateCertification.certification).toMatchObject({
      status: 'CERTIFIED',
      version: 3,
      suspendedUntil: null,
    });

    const reduced = await h.as<{ reduceCertificationScope: { certification: { scope: string } } }>(
      asA,
      REDUCE,
      { id: c.id, v: 3, key: key() },
    );
    expect(reduced.data?.reduceCertificationScope.certification.scope).toBe('Service desk only');
    const extended = await h.as<{ extendCertificationScope: { certification: { scope: string } } }>(
      asA,
      EXTEND,
      { id: c.id, v: 4, key: key() },
    );
    expect(extended.data?.extendCertificationScope.certification.scope).toBe('All IT services incl. cloud');

    const withdrawn = await h.as<{ withdrawCertification: Payload }>(asA, WITHDRAW, {
      id: c.id,
      v: 5,
      reason: 'client request',
      key: key(),
    });
    expect(withdrawn.data?.withdrawCertification.certification.status).toBe('WITHDRAWN');
    const reinstateWithdrawn = await h.as(asA, REINSTATE, { id: c.id, v: 6, key: key() });
    expect(errorCodes(reinstateWithdrawn)).toEqual(['CONFLICT']);
    expect(reinstateWithdrawn.errors?.[0].message).toContain('WITHDRAWN');

    const history = await historyOf(asA, c.id);
    expect(history.data?.organizationCertification?.history.edges.map((e) => e.node.change)).toEqual([
      'WITHDRAWN',
      'SCOPE_EXTENDED',
      'SCOPE_REDUCED',
      'REINSTATED',
      'SUSPENDED',
      'ISSUED',
    ]);
    expect(history.data?.organizationCertification?.history.edges[4].node).toMatchObject({
      status: 'SUSPENDED',
      previousStatus: 'CERTIFIED',
      reason: 'major nonconformity',
      actor: asA.subject,
    });
  });

  it('records surveillance and recertifies into a new cycle', async () => {
    const c = await issue(asA, { cycleStart: isoDaysFromToday(-400) });
    const audited = await h.as<{
      recordSurveillanceAudit: { certification: { surveillanceAudits: { doneOn: string | null }[] } };
    }>(asA, SURVEILLANCE, { id: c.id, v: 1, on: isoDaysFromToday(-40), key: key() });
    expect(audited.data?.recordSurveillanceAudit.certification.surveillanceAudits[0].doneOn).toBe(
      isoDaysFromToday(-40),
    );
    const recertified = await h.as<{ recertifyCertification: { certification: Certification } }>(
      asA,
      RECERTIFY,
      {
        id: c.id,
        v: 2,
        start: isoDaysFromToday(0),
        key: key(),
      },
    );
    expect(recertified.data?.recertifyCertification.certification).toMatchObject({
      cycleStart: isoDaysFromToday(0),
      version: 3,
      status: 'CERTIFIED',
    });
  });
});

describe('concurrency and retries', () => {
  it('refuses a stale version and changes nothing', async () => {
    const c = await issue();
    await h.as(asA, SUSPEND, { id: c.id, v: 1, reason: 'nc', key: key() });
    const stale = await h.as(asA, WITHDRAW, { id: c.id, v: 1, reason: 'too late', key: key() });
    expect(errorCodes(stale)).toEqual(['CONFLICT']);
    expect(stale.errors?.[0].message).toContain('version 2');
    const history = await historyOf(asA, c.id);
    expect(history.data?.organizationCertification?.history.edges).toHaveLength(2);
  });

  it('answers a retried request with the first result and changes nothing again', async () => {
    const c = await issue();
    const k = key();
    const first = await h.as<{ suspendCertification: Payload }>(asA, SUSPEND, {
      id: c.id,
      v: 1,
      reason: 'nc',
      key: k,
    });
    const retry = await h.as<{ suspendCertification: Payload }>(asA, SUSPEND, {
      id: c.id,
      v: 1,
      reason: 'nc',
      key: k,
    });
    expect(first.data?.suspendCertification.replayed).toBe(false);
    expect(retry.errors).toBeUndefined();
    expect(retry.data?.suspendCertification).toEqual({ ...first.data?.suspendCertification, replayed: true });
    expect((await historyOf(asA, c.id)).data?.organizationCertification?.history.edges).toHaveLength(2);

    const misuse = await h.as(asA, WITHDRAW, { id: c.id, v: 2, reason: 'other request', key: k });
    expect(errorCodes(misuse)).toEqual(['CONFLICT']);
    expect(misuse.errors?.[0].message).toContain('idempotencyKey');
  });

  it('forgets idempotency keys after the retention period, not before', async () => {
    const c = await issue();
    const recent = key();
    await h.as(asA, SUSPEND, { id: c.id, v: 1, reason: 'nc', key: recent });
    const old = key();
    await h.db.dataSource.query(
      `INSERT INTO idempotency_record (rcb_id, key, operation, request_hash, response, created_at)
       VALUES ($1, $2, 'suspendCertification', 'x', 'null'::jsonb, now() - interval '8 days')`,
      [rcbA, old],
    );
    expect(await forgetOldIdempotencyKeys(h.db.dataSource, new Date())).toBeGreaterThanOrEqual(1);
    const left = (await h.db.dataSource.query(`SELECT key FROM idempotency_record WHERE key = ANY($1)`, [
      [recent, old],
    ])) as { key: string }[];
    expect(left.map((r) => r.key)).toEqual([recent]);
  });

  it('runs concurrent retries of one issue once', async () => {
    const input = issueInput();
    const k = key();
    const results = await Promise.all(
      [1, 2, 3].map(() => h.as<{ issueCertification: Payload }>(asA, ISSUE, { input, key: k })),
    );
    expect(results.map((r) => r.errors)).toEqual([undefined, undefined, undefined]);
    expect(new Set(results.map((r) => r.data?.issueCertification.certification.id)).size).toBe(1);
    expect(results.filter((r) => r.data?.issueCertification.replayed === false)).toHaveLength(1);
    const [{ count }] = (await h.db.dataSource.query(
      `SELECT count(*)::int AS count FROM organization_certification WHERE certificate_number = $1`,
      [input.certificateNumber],
    )) as { count: number }[];
    expect(count).toBe(1);
  });
});

describe('cross-RCB access', () => {
  it('refuses every change to another RCB’s certification and changes nothing', async () => {
    const c = await issue(asA);
    const attempts = [
      h.as(asB, SUSPEND, { id: c.id, v: 1, reason: 'hostile', key: key() }),
      h.as(asB, WITHDRAW, { id: c.id, v: 1, reason: 'hostile', key: key() }),
      h.as(asB, REINSTATE, { id: c.id, v: 1, key: key() }),
      h.as(asB, REDUCE, { id: c.id, v: 1, key: key() }),
      h.as(asB, RECERTIFY, { id: c.id, v: 1, start: isoDaysFromToday(0), key: key() }),
      h.as(asB, ISSUE, {
        input: { ...issueInput(), organization: null, organizationId: c.organization.id },
        key: key(),
      }),
    ];
    for (const attempt of await Promise.all(attempts)) expect(errorCodes(attempt)).toEqual(['FORBIDDEN']);
    const [{ version, status }] = (await h.db.dataSource.query(
      `SELECT version, status FROM organization_certification WHERE id = $1`,
      [c.id],
    )) as {
      version: number;
      status: string;
    }[];
    expect({ version, status }).toEqual({ version: 1, status: 'CERTIFIED' });
    // the listed certification is public, its history is not another RCB's business
    expect(errorCodes(await historyOf(asB, c.id))).toEqual(['FORBIDDEN']);
  });
});

describe('transfer by scheme staff', () => {
  const asStaff = viewers.schemeStaff();

  it('moves a certification to the accepting RCB with its cycle, and both RCBs see it in the history', async () => {
    const c = await issue(asA);
    const moved = await h.as<{ transferCertification: { certification: Certification } }>(asStaff, TRANSFER, {
      id: c.id,
      v: 1,
      to: rcbB,
      number: `B-${c.certificateNumber}`,
      key: key(),
    });
    expect(moved.errors).toBeUndefined();
    expect(moved.data?.transferCertification.certification).toMatchObject({
      rcb: { id: rcbB },
      certificateNumber: `B-${c.certificateNumber}`,
      cycleStart: c.cycleStart,
      expiry: c.expiry,
      status: 'CERTIFIED',
      version: 2,
    });
    for (const viewer of [asA, asB]) {
      const history = await historyOf(viewer, c.id);
      expect(history.errors).toBeUndefined();
      expect(history.data?.organizationCertification?.history.edges[0].node).toMatchObject({
        change: 'TRANSFERRED',
        rcb: { id: rcbB },
        previousRcb: { id: rcbA },
        actor: 'staff:staff-1',
      });
    }
    // the former RCB no longer changes it
    expect(errorCodes(await h.as(asA, SUSPEND, { id: c.id, v: 2, reason: 'x', key: key() }))).toEqual([
      'FORBIDDEN',
    ]);
    // an unrelated RCB does not see the history
    expect(errorCodes(await historyOf(asC, c.id))).toEqual(['FORBIDDEN']);
  });

  it('is refused while the certification is suspended', async () => {
    const c = await issue(asA);
    await h.as(asA, SUSPEND, { id: c.id, v: 1, reason: 'nc', key: key() });
    const refused = await h.as(asStaff, TRANSFER, { id: c.id, v: 2, to: rcbB, key: key() });
    expect(errorCodes(refused)).toEqual(['CONFLICT']);
    expect(refused.errors?.[0].message).toContain('SUSPENDED');
  });

  it('is never an RCB’s: knowing the id and version takes nothing over', async () => {
    const c = await issue(asA);
    for (const to of [rcbB, undefined]) {
      const refused = await h.as(asB, TRANSFER, { id: c.id, v: 1, to, key: key() });
      expect(errorCodes(refused)).toEqual(['FORBIDDEN']);
      expect(refused.errors?.[0].message).toContain('requestCertificationTransfer');
    }
    const [row] = (await h.db.dataSource.query(
      `SELECT rcb_id, version FROM organization_certification WHERE id = $1`,
      [c.id],
    )) as { rcb_id: string; version: number }[];
    expect(row).toEqual({ rcb_id: rcbA, version: 1 });
  });
});

describe('expiry', () => {
  it('reads EXPIRED before the job runs, and the job records it with history and an event', async () => {
    const c = await issue();
    // the certification ran its course: its dates are now in the past
    await h.db.dataSource.query(
      `UPDATE organization_certification SET cycle_start = $2, expiry = $3 WHERE id = $1`,
      [c.id, isoDaysFromToday(-1100), isoDaysFromToday(-2)],
    );
    const VERIFY = `query($n: String!, $rcb: ID) { verifyOrganizationCertification(certificateNumber: $n, rcbId: $rcb) { valid status expiry } }`;
    const before = await h.as<{ verifyOrganizationCertification: { valid: boolean; status: string } }>(
      viewers.public,
      VERIFY,
      {
        n: c.certificateNumber,
        rcb: rcbA,
      },
    );
    expect(before.data?.verifyOrganizationCertification).toMatchObject({ valid: false, status: 'EXPIRED' });
    expect(errorCodes(await h.as(asA, SUSPEND, { id: c.id, v: 1, reason: 'x', key: key() }))).toEqual([
      'CONFLICT',
    ]);

    expect(
      await expireDueCertifications(h.db.dataSource, isoDaysFromToday(0), { batchSize: 2 }),
    ).toBeGreaterThanOrEqual(1);
    const [row] = (await h.db.dataSource.query(
      `SELECT status, version FROM organization_certification WHERE id = $1`,
      [c.id],
    )) as {
      status: string;
      version: number;
    }[];
    expect(row).toEqual({ status: 'EXPIRED', version: 2 });
    const history = await historyOf(asA, c.id);
    expect(history.data?.organizationCertification?.history.edges[0].node).toMatchObject({
      change: 'EXPIRED',
      actor: 'system:expiry',
      effectiveOn: isoDaysFromToday(-1),
    });
    // a second pass finds nothing more to do for it
    await expireDueCertifications(h.db.dataSource, isoDaysFromToday(0));
    const [again] = (await h.db.dataSource.query(
      `SELECT version FROM organization_certification WHERE id = $1`,
      [c.id],
    )) as { version: number }[];
    expect(again.version).toBe(2);
  });
});

describe('the expiry job', () => {
  it('expires what is due and forgets old keys in one pass, never running two passes at once', async () => {
    const c = await issue();
    await h.db.dataSource.query(
      `UPDATE organization_certification SET cycle_start = $2, expiry = $3 WHERE id = $1`,
      [c.id, isoDaysFromToday(-1100), isoDaysFromToday(-3)],
    );
    const old = key();
    await h.db.dataSource.query(
      `INSERT INTO idempotency_record (rcb_id, key, operation, request_hash, response, created_at)
       VALUES ($1, $2, 'suspendCertification', 'x', 'null'::jsonb, now() - interval '8 days')`,
      [rcbA, old],
    );
    const job = certificationExpiryJob({
      dataSource: h.db.dataSource,
      logger: h.logger,
      intervalMs: 3_600_000,
      clock: () => new Date(),
    });
    // the harness's service ran this tick's pass when it started (once per tick across replicas):
    // forget that tick so this job's pass is the one that runs it
    await h.db.dataSource.query(`DELETE FROM scheduled_job_tick WHERE job = 'certification-expiry'`);
    const [first, second] = [job.runNow(), job.runNow()];
    expect(second).toBe(first);
    await first;
    const [row] = (await h.db.dataSource.query(
      `SELECT status FROM organization_certification WHERE id = $1`,
      [c.id],
    )) as { status: string }[];
    expect(row.status).toBe('EXPIRED');
    const left = (await h.db.dataSource.query(`SELECT 1 FROM idempotency_record WHERE key = $1`, [
      old,
    ])) as unknown[];
    expect(left).toEqual([]);
    await job.stop();
  });
});

describe('wasCertified', () => {
  const WAS = `query($n: String!, $rcb: ID, $on: Date!) { wasCertified(certificateNumber: $n, rcbId: $rcb, on: $on) { certified status rcb { id } } }`;

  it('answers from the history: before issue, while certified, while suspended', async () => {
    const c = await issue(asA, { cycleStart: isoDaysFromToday(-10) });
    await h.as(asA, SUSPEND, { id: c.id, v: 1, reason: 'nc', key: key() });
    const on = async (date: string) =>
      (
        await h.as<{ wasCertified: { certified: boolean; status: string | null } }>(viewers.public, WAS, {
          n: c.certificateNumber,
          rcb: rcbA,
          on: date,
        })
      ).data?.wasCertified;
    expect(await on(isoDaysFromToday(-11))).toEqual(
      expect.objectContaining({ certified: false, status: null }),
    );
    expect(await on(isoDaysFromToday(-5))).toEqual(
      expect.objectContaining({ certified: true, status: 'CERTIFIED' }),
    );
    expect(await on(isoDaysFromToday(0))).toEqual(
      expect.objectContaining({ certified: false, status: 'SUSPENDED' }),
    );
  });
});

describe('RCB status from accreditation', () => {
  it('refuses new certifications and recertification from a suspended RCB, keeps its certifications visible with its status', async () => {
    const rcb = randomUUID();
    const viewer = viewers.rcbIntegration(rcb);
    await h.setRcbStatus(rcb, 'APPOINTED', 'Delta Certification');
    const c = await issue(viewer, { cycleStart: isoDaysFromToday(-400) });

    await h.setRcbStatus(rcb, 'SUSPENDED', 'Delta Certification');
    const refused = await h.as(viewer, ISSUE, { input: issueInput(), key: key() });
    expect(errorCodes(refused)).toEqual(['CONFLICT']);
    expect(refused.errors?.[0].message).toContain('SUSPENDED');
    const recert = await h.as(viewer, RECERTIFY, { id: c.id, v: 1, start: isoDaysFromToday(0), key: key() });
    expect(errorCodes(recert)).toEqual(['CONFLICT']);

    const VERIFY = `query($n: String!, $rcb: ID) { verifyOrganizationCertification(certificateNumber: $n, rcbId: $rcb) { valid status rcbStatus rcbName } }`;
    const verified = await h.as<{ verifyOrganizationCertification: Record<string, unknown> }>(
      viewers.public,
      VERIFY,
      { n: c.certificateNumber, rcb },
    );
    expect(verified.data?.verifyOrganizationCertification).toEqual({
      valid: true,
      status: 'CERTIFIED',
      rcbStatus: 'SUSPENDED',
      rcbName: 'Delta Certification',
    });

    // an RCB not (yet) known from accreditation issues nothing either
    const unknown = await h.as(viewers.rcbIntegration(randomUUID()), ISSUE, {
      input: issueInput(),
      key: key(),
    });
    expect(errorCodes(unknown)).toEqual(['CONFLICT']);

    await h.setRcbStatus(rcb, 'APPOINTED', 'Delta Certification');
    expect((await h.as(viewer, ISSUE, { input: issueInput(), key: key() })).errors).toBeUndefined();
  });
});

describe('the RCB status consumer', () => {
  it('applies a redelivered event once and never lets an older status overwrite a newer one', async () => {
    const rcb = randomUUID();
    const newer = new Date().toISOString();
    const older = new Date(Date.now() - 60_000).toISOString();
    await h.publish(Events.RcbStatusChanged, {
      rcbId: rcb,
      name: 'Epsilon',
      status: 'SUSPENDED',
      previousStatus: 'APPOINTED',
      reason: 'audit',
      changedAt: newer,
    });
    // the same event again (another id: JetStream's dedupe would drop a same-id copy before us)
    await h.publish(Events.RcbStatusChanged, {
      rcbId: rcb,
      name: 'Epsilon',
      status: 'SUSPENDED',
      previousStatus: 'APPOINTED',
      reason: 'audit',
      changedAt: newer,
    });
    // an older event arriving late
    const lateId = await h.publish(Events.RcbStatusChanged, {
      rcbId: rcb,
      name: 'Epsilon',
      status: 'APPOINTED',
      previousStatus: 'UNDER_ASSESSMENT',
      reason: null,
      changedAt: older,
    });
    await eventually(
      async () => {
        const rows = (await h.db.dataSource.query(`SELECT 1 FROM inbox_event WHERE event_id = $1`, [
          lateId,
        ])) as unknown[];
        return rows.length ? true : undefined;
      },
      10_000,
      'the late event to be processed',
    );
    const rows = (await h.db.dataSource.query(`SELECT status FROM rcb WHERE id = $1`, [rcb])) as {
      status: string;
    }[];
    expect(rows).toEqual([{ status: 'SUSPENDED' }]);
    expect(
      errorCodes(await h.as(viewers.rcbIntegration(rcb), ISSUE, { input: issueInput(), key: key() })),
    ).toEqual(['CONFLICT']);
  });
});

describe('rcbCertifications', () => {
  it('lists only the RCB’s own certifications, by effective status, page by page', async () => {
    const rcb = randomUUID();
    const viewer = viewers.rcbIntegration(rcb);
    await h.setRcbStatus(rcb, 'APPOINTED');
    const issued = [];
    for (let i = 0; i < 3; i++) issued.push(await issue(viewer, { certificateNumber: `OWN-${i}` }));
    await h.as(viewer, SUSPEND, { id: issued[1].id, v: 1, reason: 'nc', key: key() });
    const LIST = `query($status: OrganizationCertificationStatus, $after: String) {
      rcbCertifications(status: $status, first: 2, after: $after) { edges { node { certificateNumber status } } pageInfo { hasNextPage endCursor } } }`;
    type Page = {
      rcbCertifications: {
        edges: { node: { certificateNumber: string } }[];
        pageInfo: { hasNextPage: boolean; endCursor: string };
      };
    };
    const first = await h.as<Page>(viewer, LIST, {});
    expect(first.data?.rcbCertifications.edges.map((e) => e.node.certificateNumber)).toEqual([
      'OWN-0',
      'OWN-1',
    ]);
    expect(first.data?.rcbCertifications.pageInfo.hasNextPage).toBe(true);
    const second = await h.as<Page>(viewer, LIST, {
      after: first.data?.rcbCertifications.pageInfo.endCursor,
    });
    expect(second.data?.rcbCertifications.edges.map((e) => e.node.certificateNumber)).toEqual(['OWN-2']);
    const suspended = await h.as<Page>(viewer, LIST, { status: 'SUSPENDED' });
    expect(suspended.data?.rcbCertifications.edges.map((e) => e.node.certificateNumber)).toEqual(['OWN-1']);
    expect(errorCodes(await h.as(viewers.public, LIST, {}))).toEqual(['UNAUTHENTICATED']);
  });
});
