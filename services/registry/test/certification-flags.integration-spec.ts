import { randomUUID } from 'node:crypto';
import { errorCodes, viewers } from '@iso20000/testing';
import { evaluateDailyFlags } from '../src/commands/evaluate-daily-flags';
import { addDays, addMonths, todayUtc } from '../src/domain/calendar-date';
import { ISSUE, isoDaysFromToday, issueInput, key, startHarness, type Harness } from './harness';

let h: Harness;
const rcb = randomUUID();
const asRcb = viewers.rcbIntegration(rcb);
const today = todayUtc();

beforeAll(async () => {
  h = await startHarness();
  await h.setRcbStatus(rcb, 'APPOINTED', 'Worklist Certification');
});
afterAll(() => h?.close());

async function issue(overrides: Record<string, unknown> = {}) {
  const r = await h.ok<{ issueCertification: { certification: { id: string; version: number } } }>(
    asRcb,
    ISSUE,
    {
      input: issueInput(overrides),
      key: key(),
    },
  );
  return r.issueCertification.certification;
}

const SUSPEND = `mutation($id: ID!, $v: Int!, $until: Date, $key: String!) {
  suspendCertification(id: $id, expectedVersion: $v, reason: "nonconformity", until: $until, idempotencyKey: $key) { certification { id version } } }`;
const SURVEILLANCE = `mutation($id: ID!, $v: Int!, $on: Date!, $key: String!) {
  recordSurveillanceAudit(id: $id, expectedVersion: $v, auditedOn: $on, idempotencyKey: $key) { certification { id version } } }`;
const WORKLIST = `query($first: Int, $after: String, $rule: CertificationFlagRule) {
  rcbWorklist(first: $first, after: $after, rule: $rule) {
    edges { node { rule dueOn asOf raisedOn explanation clearedBy certification { id } } } pageInfo { hasNextPage endCursor } } }`;
const FLAGS = `query($id: ID!, $asOf: Date) { organizationCertification(id: $id) { flags(asOf: $asOf) { rule dueOn asOf clearedBy raisedOn } } }`;
const OVERVIEW = `query($after: String) { registryFlagOverview(first: 100, after: $after) { edges { node {
  rcb { id } rcbName flaggedCertifications surveillanceOverdue suspensionEnding suspensionOverLimit expiredRestorable transferDeadline mostUrgentDueOn asOf } }
  pageInfo { hasNextPage endCursor } } }`;

interface Flag {
  rule: string;
  dueOn: string;
  asOf: string;
  raisedOn: string | null;
  explanation: string;
  clearedBy: string;
  certification: { id: string };
}

async function worklist(first = 50, after?: string, rule?: string) {
  const r = await h.ok<{
    rcbWorklist: { edges: { node: Flag }[]; pageInfo: { hasNextPage: boolean; endCursor: string } };
  }>(asRcb, WORKLIST, { first, after, rule });
  return r.rcbWorklist;
}

async function raisedEvents(certificationId: string): Promise<{ rule: string; dueOn: string }[]> {
  return (await h.db.dataSource.query(
    `SELECT payload->>'rule' AS rule, payload->>'dueOn' AS "dueOn" FROM outbox_event
     WHERE subject = 'registry.certification.flag-raised' AND payload->>'certificationId' = $1 ORDER BY position`,
    [certificationId],
  )) as { rule: string; dueOn: string }[];
}

describe('flags raised and cleared by changes', () => {
  it('raises an overdue first surveillance on issue, shows it on the worklist, clears it when the audit is recorded', async () => {
    const start = isoDaysFromToday(-400);
    const c = await issue({ cycleStart: start });
    const due = addMonths(start, 12);
    const open = (await worklist()).edges.filter((e) => e.node.certification.id === c.id);
    expect(open.map((e) => e.node)).toEqual([
      expect.objectContaining({ rule: 'SURVEILLANCE_OVERDUE', dueOn: due, asOf: today, raisedOn: today }),
    ]);
    expect(open[0].node.clearedBy).toContain('recordSurveillanceAudit');
    expect(await raisedEvents(c.id)).toEqual([{ rule: 'SURVEILLANCE_OVERDUE', dueOn: due }]);

    await h.ok(asRcb, SURVEILLANCE, { id: c.id, v: 1, on: isoDaysFromToday(-1), key: key() });
    expect((await worklist()).edges.filter((e) => e.node.certification.id === c.id)).toEqual([]);
    const [row] = (await h.db.dataSource.query(
      `SELECT to_char(cleared_on, 'YYYY-MM-DD') AS cleared FROM certification_flag WHERE certification_id = $1`,
      [c.id],
    )) as {
      cleared: string;
    }[];
    expect(row.cleared).toBe(today);
  });

  it('computes flags on request for any date, for the holding RCB and scheme staff only', async () => {
    const c = await issue({ cycleStart: isoDaysFromToday(-300) });
    const due = addMonths(isoDaysFromToday(-300), 12);
    const flagsOn = async (viewer: typeof asRcb, asOf?: string) =>
      (
        await h.ok<{
          organizationCertification: { flags: { rule: string; dueOn: string; raisedOn: null }[] | null };
        }>(viewer, FLAGS, { id: c.id, asOf })
      ).organizationCertification.flags;
    expect(await flagsOn(asRcb)).toEqual([]);
    expect(await flagsOn(asRcb, due)).toEqual([]);
    expect(await flagsOn(viewers.schemeStaff(), addDays(due, 1))).toEqual([
      expect.objectContaining({ rule: 'SURVEILLANCE_OVERDUE', dueOn: due, raisedOn: null }),
    ]);
    expect(await flagsOn(viewers.public, addDays(due, 1))).toBeNull();
    expect(await flagsOn(viewers.rcbIntegration(randomUUID()), addDays(due, 1))).toBeNull();
  });
});

describe('the daily pass', () => {
  it('raises what time brought once per day and publishes each flag once', async () => {
    const start = isoDaysFromToday(-360);
    const c = await issue({ cycleStart: start });
    const due = addMonths(start, 12);
    expect(await raisedEvents(c.id)).toEqual([]);
    // the day of the limit: nothing; the day after: raised
    const onDue = await evaluateDailyFlags(h.db.dataSource, due);
    expect(onDue.ran).toBe(true);
    expect(await raisedEvents(c.id)).toEqual([]);
    const after = addDays(due, 1);
    expect(await evaluateDailyFlags(h.db.dataSource, after)).toMatchObject({ ran: true });
    expect(await raisedEvents(c.id)).toEqual([{ rule: 'SURVEILLANCE_OVERDUE', dueOn: due }]);
    // the same day again is skipped; the next day finds it still open and publishes nothing new
    expect(await evaluateDailyFlags(h.db.dataSource, after)).toEqual({ ran: false });
    expect(await evaluateDailyFlags(h.db.dataSource, addDays(after, 1))).toMatchObject({ ran: true });
    expect(await raisedEvents(c.id)).toHaveLength(1);
    const [row] = (await h.db.dataSource.query(
      `SELECT to_char(raised_on, 'YYYY-MM-DD') AS raised, to_char(evaluated_on, 'YYYY-MM-DD') AS evaluated FROM certification_flag WHERE certification_id = $1`,
      [c.id],
    )) as { raised: string; evaluated: string }[];
    expect(row).toEqual({ raised: after, evaluated: addDays(after, 1) });
  });
});

describe('the worklist and the overview', () => {
  it('sorts an RCB’s flags by urgency, page by page, and staff see counts per RCB', async () => {
    const own = randomUUID();
    const asOwn = viewers.rcbIntegration(own);
    await h.setRcbStatus(own, 'APPOINTED', 'Sorted Certification');
    const issueOwn = async (overrides: Record<string, unknown>) =>
      (
        await h.ok<{ issueCertification: { certification: { id: string } } }>(asOwn, ISSUE, {
          input: issueInput(overrides),
          key: key(),
        })
      ).issueCertification.certification;
    const later = await issueOwn({});
    await h.ok(asOwn, SUSPEND, { id: later.id, v: 1, until: isoDaysFromToday(25), key: key() });
    const overdue = await issueOwn({ cycleStart: isoDaysFromToday(-420) });
    const sooner = await issueOwn({});
    await h.ok(asOwn, SUSPEND, { id: sooner.id, v: 1, until: isoDaysFromToday(10), key: key() });
    const quiet = await issueOwn({});
    await h.ok(asOwn, SUSPEND, { id: quiet.id, v: 1, until: isoDaysFromToday(90), key: key() });

    const page = (after?: string) =>
      h.ok<{
        rcbWorklist: { edges: { node: Flag }[]; pageInfo: { hasNextPage: boolean; endCursor: string } };
      }>(asOwn, WORKLIST, {
        first: 2,
        after,
      });
    const first = await page();
    const second = await page(first.rcbWorklist.pageInfo.endCursor);
    expect(first.rcbWorklist.pageInfo.hasNextPage).toBe(true);
    expect(second.rcbWorklist.pageInfo.hasNextPage).toBe(false);
    expect(
      [...first.rcbWorklist.edges, ...second.rcbWorklist.edges].map((e) => [
        e.node.certification.id,
        e.node.rule,
      ]),
    ).toEqual([
      [overdue.id, 'SURVEILLANCE_OVERDUE'],
      [sooner.id, 'SUSPENSION_ENDING'],
      [later.id, 'SUSPENSION_ENDING'],
    ]);
    const endingOnly = await h.ok<{ rcbWorklist: { edges: unknown[] } }>(asOwn, WORKLIST, {
      rule: 'SUSPENSION_ENDING',
    });
    expect(endingOnly.rcbWorklist.edges).toHaveLength(2);
    // another RCB's worklist holds none of them
    expect(
      (await worklist()).edges.some((e) =>
        [overdue.id, sooner.id, later.id].includes(e.node.certification.id),
      ),
    ).toBe(false);

    const overview = await h.ok<{ registryFlagOverview: { edges: { node: Record<string, unknown> }[] } }>(
      viewers.schemeStaff(),
      OVERVIEW,
      {},
    );
    expect(overview.registryFlagOverview.edges.map((e) => e.node)).toContainEqual(
      expect.objectContaining({
        rcb: { id: own },
        rcbName: 'Sorted Certification',
        flaggedCertifications: 3,
        surveillanceOverdue: 1,
        suspensionEnding: 2,
        suspensionOverLimit: 0,
        mostUrgentDueOn: addMonths(isoDaysFromToday(-420), 12),
        asOf: today,
      }),
    );
    expect(errorCodes(await h.as(asOwn, OVERVIEW, {}))).toEqual(['FORBIDDEN']);
    expect(errorCodes(await h.as(viewers.public, WORKLIST, {}))).toEqual(['UNAUTHENTICATED']);
  });
});
