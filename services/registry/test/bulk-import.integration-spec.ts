import { randomUUID } from 'node:crypto';
import { errorCodes, viewers } from '@iso20000/testing';
import { address, isoDaysFromToday, startHarness, type Harness } from './harness';

const UPSERT = `mutation($input: [UpsertCertificationInput!]!, $dryRun: Boolean) {
  upsertCertifications(input: $input, dryRun: $dryRun) {
    dryRun created updated unchanged rejected
    records { index certificateNumber outcome errorCode reasons changedFields certification { id version status scope organization { legalName } } }
  }
}`;

interface RecordResult {
  index: number;
  certificateNumber: string;
  outcome: string;
  errorCode: string | null;
  reasons: string[];
  changedFields: string[];
  certification: {
    id: string;
    version: number;
    status: string;
    scope: string;
    organization: { legalName: string };
  } | null;
}
interface UpsertResult {
  dryRun: boolean;
  created: number;
  updated: number;
  unchanged: number;
  rejected: number;
  records: RecordResult[];
}

let h: Harness;
const rcbA = randomUUID();
const rcbB = randomUUID();
const asA = viewers.rcbIntegration(rcbA);
const asB = viewers.rcbIntegration(rcbB);

beforeAll(async () => {
  h = await startHarness();
  await h.setRcbStatus(rcbA, 'APPOINTED');
  await h.setRcbStatus(rcbB, 'APPOINTED');
});
afterAll(() => h?.close());

function record(n: string, overrides: Record<string, unknown> = {}): Record<string, unknown> {
  return {
    certificateNumber: n,
    organization: {
      legalName: `Organization ${n}`,
      otherNames: [],
      country: 'DE',
      address: address('DE'),
      publicListing: true,
    },
    scope: 'IT service management for internal customers',
    sites: [],
    cycleStart: isoDaysFromToday(-100),
    ...overrides,
  };
}

async function upsert(
  viewer: typeof asA,
  input: Record<string, unknown>[],
  dryRun = false,
): Promise<UpsertResult> {
  return (await h.ok<{ upsertCertifications: UpsertResult }>(viewer, UPSERT, { input, dryRun }))
    .upsertCertifications;
}

async function countFor(rcbId: string): Promise<{ certifications: number; history: number; events: number }> {
  const [row] = (await h.db.dataSource.query(
    `SELECT (SELECT count(*)::int FROM organization_certification WHERE rcb_id = $1) AS certifications,
            (SELECT count(*)::int FROM certification_history WHERE rcb_id = $1) AS history,
            (SELECT count(*)::int FROM outbox_event WHERE subject = 'registry.certification.changed' AND payload->>'rcbId' = $1::text) AS events`,
    [rcbId],
  )) as { certifications: number; history: number; events: number }[];
  return row;
}

describe('upsertCertifications', () => {
  const prefix = `M-${randomUUID().slice(0, 6)}`;
  const mixed = () => [
    record(`${prefix}-1`),
    record(`${prefix}-2`, { cycleStart: isoDaysFromToday(200) }),
    record(`${prefix}-3`, {
      status: 'SUSPENDED',
      statusReason: 'nonconformity found',
      suspendedUntil: isoDaysFromToday(30),
    }),
    record(`${prefix}-4`, {
      organization: {
        legalName: '',
        otherNames: [],
        country: 'DE',
        address: address('DE'),
        publicListing: true,
      },
    }),
    record(`${prefix}-5`, { status: 'SUSPENDED' }),
    record(`${prefix}-1`, { scope: 'duplicate in the same call' }),
    record(`${prefix}-6`, { standard: 'ISO_IEC_20000_1_2011' }),
    record(`${prefix}-7`, {
      standard: 'ISO_IEC_20000_1_2011',
      cycleStart: '2015-03-01',
      expiry: '2018-02-28',
    }),
  ];

  it('on a dry run validates and reports per record, writing nothing', async () => {
    const before = await countFor(rcbA);
    const report = await upsert(asA, mixed(), true);
    expect(report).toMatchObject({ dryRun: true, created: 3, updated: 0, unchanged: 0, rejected: 5 });
    expect(await countFor(rcbA)).toEqual(before);
    expect(report.records.map((r) => r.outcome)).toEqual([
      'CREATED',
      'REJECTED',
      'CREATED',
      'REJECTED',
      'REJECTED',
      'REJECTED',
      'REJECTED',
      'CREATED',
    ]);
    expect(report.records.every((r) => r.certification === null)).toBe(true);
  });

  it('writes the valid records and rejects the invalid ones with reasons (per record, not all-or-nothing)', async () => {
    const report = await upsert(asA, mixed());
    expect(report).toMatchObject({ dryRun: false, created: 3, rejected: 5 });
    const byIndex = (i: number) => report.records[i];
    expect(byIndex(1)).toMatchObject({ outcome: 'REJECTED', errorCode: 'BAD_USER_INPUT' });
    expect(byIndex(1).reasons[0]).toContain('cycleStart');
    expect(byIndex(3).reasons[0]).toContain('legalName');
    expect(byIndex(4).reasons[0]).toContain('reason');
    expect(byIndex(5).reasons[0]).toContain('more than once');
    expect(byIndex(6).reasons[0]).toContain('2018');
    expect(byIndex(2).certification).toMatchObject({ status: 'SUSPENDED', version: 1 });
    expect(byIndex(7).certification).toMatchObject({ status: 'EXPIRED' });
    expect(byIndex(0).certification?.organization.legalName).toBe(`Organization ${prefix}-1`);

    const counts = await countFor(rcbA);
    expect(counts.certifications).toBe(3);
    expect(counts.history).toBe(3);
    expect(counts.events).toBe(3);
  });

  it('reports unchanged records on a re-import, and updates only what changed', async () => {
    const again = await upsert(asA, [
      record(`${prefix}-1`),
      record(`${prefix}-3`, {
        status: 'SUSPENDED',
        statusReason: 'nonconformity found',
        suspendedUntil: isoDaysFromToday(30),
      }),
    ]);
    expect(again).toMatchObject({ created: 0, updated: 0, unchanged: 2 });

    const changed = await upsert(asA, [
      record(`${prefix}-1`, {
        scope: 'A wider scope',
        organization: {
          legalName: `Organization ${prefix}-1 GmbH`,
          otherNames: [],
          country: 'DE',
          address: address('DE'),
          publicListing: true,
        },
      }),
      record(`${prefix}-3`, { status: 'CERTIFIED' }),
    ]);
    expect(changed).toMatchObject({ updated: 2, rejected: 0 });
    expect(changed.records[0].changedFields).toEqual(expect.arrayContaining(['scope', 'organization']));
    expect(changed.records[0].certification).toMatchObject({ version: 2, scope: 'A wider scope' });
    // the organization row was rewritten too (and its folded search text by the trigger)
    expect(changed.records[0].certification?.organization.legalName).toBe(`Organization ${prefix}-1 GmbH`);
    const [folded] = (await h.db.dataSource.query(
      `SELECT o.search_folded FROM certified_organization o JOIN organization_certification c ON c.organization_id = o.id
       WHERE c.rcb_id = $1 AND c.certificate_number = $2`,
      [rcbA, `${prefix}-1`],
    )) as { search_folded: string }[];
    expect(folded.search_folded).toBe(`organization ${prefix.toLowerCase()}-1 gmbh`);
    expect(changed.records[1].certification).toMatchObject({ version: 2, status: 'CERTIFIED' });
  });

  it('refuses forbidden transitions and stale versions per record, without touching the others', async () => {
    const n = `${prefix}-W`;
    await upsert(asA, [record(n, { status: 'WITHDRAWN', statusReason: 'client left' })]);
    const report = await upsert(asA, [
      record(n),
      record(`${prefix}-1`, {
        scope: 'A wider scope',
        expectedVersion: 1,
        organization: {
          legalName: `Organization ${prefix}-1 GmbH`,
          otherNames: [],
          country: 'DE',
          address: address('DE'),
          publicListing: true,
        },
      }),
      record(`${prefix}-8`),
    ]);
    expect(report.records.map((r) => [r.outcome, r.errorCode])).toEqual([
      ['REJECTED', 'CONFLICT'],
      ['REJECTED', 'CONFLICT'],
      ['CREATED', null],
    ]);
    expect(report.records[0].reasons[0]).toContain('WITHDRAWN');
    expect(report.records[1].reasons[0]).toContain('stale version');
  });

  it('matches on the caller’s own certificate numbers: another RCB’s same number is a different certification', async () => {
    const report = await upsert(asB, [record(`${prefix}-1`, { scope: 'Beta’s own' })]);
    expect(report.created).toBe(1);
    const [row] = (await h.db.dataSource.query(
      `SELECT scope FROM organization_certification WHERE rcb_id = $1 AND certificate_number = $2`,
      [rcbA, `${prefix}-1`],
    )) as { scope: string }[];
    expect(row.scope).toBe('A wider scope');
  });

  it('fails the whole call, writing nothing, when a record is not well-typed GraphQL input', async () => {
    const before = await countFor(rcbA);
    const result = await h.as(asA, UPSERT, {
      input: [record(`${prefix}-T1`), record(`${prefix}-T2`, { cycleStart: '2026-02-30' })],
    });
    expect(errorCodes(result)).toEqual(['BAD_USER_INPUT']);
    expect(result.errors?.[0].message).toContain('input[1].cycleStart');
    expect(await countFor(rcbA)).toEqual(before);
  });

  it('rejects a record whose country names no country or whose text is too long, naming the field', async () => {
    const n = `C-${randomUUID().slice(0, 6)}`;
    const organization = (overrides: Record<string, unknown>) => ({
      legalName: `Organization ${n}`,
      otherNames: [],
      country: 'DE',
      address: address('DE'),
      publicListing: true,
      ...overrides,
    });
    const report = await upsert(asA, [
      record(`${n}-0`),
      record(`${n}-1`, { organization: organization({ country: 'XX' }) }),
      record(`${n}-2`, { sites: [{ address: address('ZZ'), scope: 'Operations' }] }),
      record(`${n}-3`, { organization: organization({ legalName: 'L'.repeat(2000) }) }),
      record(`${n}-4`, { scope: 'Scope with a bell\u0007' }),
      record(`${n}-5`, { organization: organization({ country: 'at' }) }),
    ]);
    expect(report.records.map((r) => [r.outcome, r.errorCode])).toEqual([
      ['CREATED', null],
      ['REJECTED', 'BAD_USER_INPUT'],
      ['REJECTED', 'BAD_USER_INPUT'],
      ['REJECTED', 'BAD_USER_INPUT'],
      ['REJECTED', 'BAD_USER_INPUT'],
      ['CREATED', null],
    ]);
    expect(report.records[1].reasons[0]).toContain('input[1].organization.country');
    expect(report.records[2].reasons[0]).toContain('input[2].sites[0].address.country');
    expect(report.records[3].reasons[0]).toContain('input[3].organization.legalName');
    expect(report.records[4].reasons[0]).toContain('control characters');
    // an update is checked the same way as a new record
    const update = await upsert(asA, [record(`${n}-0`, { scope: 'S'.repeat(4001) })]);
    expect(update.records[0]).toMatchObject({ outcome: 'REJECTED', errorCode: 'BAD_USER_INPUT' });
    expect(update.records[0].reasons[0]).toContain('input[0].scope');
  });

  it('takes at most 1,000 records per call, and only from RCB integrations', async () => {
    const tooMany = Array.from({ length: 1001 }, (_, i) => record(`X-${i}`));
    expect(errorCodes(await h.as(asA, UPSERT, { input: tooMany }))).toEqual(['BAD_USER_INPUT']);
    expect(errorCodes(await h.as(viewers.schemeStaff(), UPSERT, { input: [record('Y-1')] }))).toEqual([
      'FORBIDDEN',
    ]);
  });

  it('is refused record by record to a suspended RCB for new certifications', async () => {
    const rcb = randomUUID();
    await h.setRcbStatus(rcb, 'SUSPENDED');
    const report = await upsert(viewers.rcbIntegration(rcb), [record('S-1')]);
    expect(report.records[0]).toMatchObject({ outcome: 'REJECTED', errorCode: 'CONFLICT' });
    expect(report.records[0].reasons[0]).toContain('SUSPENDED');
  });

  it('imports 1,000 records in one call', async () => {
    const rcb = randomUUID();
    await h.setRcbStatus(rcb, 'APPOINTED');
    const input = Array.from({ length: 1000 }, (_, i) => record(`BULK-${i}`));
    const started = Date.now();
    const report = await upsert(viewers.rcbIntegration(rcb), input);
    const ms = Date.now() - started;
    expect(report.created).toBe(1000);
    expect((await countFor(rcb)).history).toBe(1000);
    // generous bound: the target is 2,000 records/s on a 2-core machine
    expect(ms).toBeLessThan(5000);
  });
});
