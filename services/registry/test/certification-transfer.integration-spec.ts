import { randomUUID } from 'node:crypto';
import { errorCodes, viewers } from '@iso20000/testing';
import { completeDueTransfers } from '../src/commands/complete-due-transfers';
import { expireDueCertifications } from '../src/commands/expire-due-certifications';
import { addMonths, todayUtc } from '../src/domain/calendar-date';
import { ISSUE, isoDaysFromToday, issueInput, key, startHarness, type Harness } from './harness';

let h: Harness;
const issuing = randomUUID();
const accepting = randomUUID();
const third = randomUUID();
const asIssuing = viewers.rcbIntegration(issuing);
const asAccepting = viewers.rcbIntegration(accepting);
const asThird = viewers.rcbIntegration(third);
const asStaff = viewers.schemeStaff();
type Viewer = typeof asIssuing;

beforeAll(async () => {
  h = await startHarness();
  await h.setRcbStatus(issuing, 'APPOINTED', 'Issuing Certification');
  await h.setRcbStatus(accepting, 'APPOINTED', 'Accepting Assurance');
  await h.setRcbStatus(third, 'APPOINTED', 'Third Registrar');
});
afterAll(() => h?.close());

interface Transfer {
  id: string;
  status: string;
  outcome: string | null;
  objection: string | null;
  decisionReason: string | null;
  closeReason: string | null;
  objectionDeadline: string;
  fromRcb: { id: string };
  toRcb: { id: string };
  toRcbName: string | null;
  newCertificateNumber: string | null;
  review: { reviewer: string; openNonconformities: { severity: string }[] };
}
const TRANSFER_FIELDS = `id status outcome objection decisionReason closeReason objectionDeadline fromRcb { id } toRcb { id }
  toRcbName newCertificateNumber review { reviewer openNonconformities { severity } }`;

const CODE = `mutation($id: ID!) { issueTransferAuthorization(certificationId: $id) { code expiresAt certification { id } } }`;
const REQUEST = `mutation($input: CertificationTransferRequestInput!, $key: String!) {
  requestCertificationTransfer(input: $input, idempotencyKey: $key) { replayed transfer { ${TRANSFER_FIELDS} } } }`;
const OBJECT = `mutation($id: ID!, $reason: String!, $key: String!) {
  objectToCertificationTransfer(id: $id, reason: $reason, idempotencyKey: $key) { transfer { ${TRANSFER_FIELDS} } } }`;
const ACK = `mutation($id: ID!, $key: String!) {
  acknowledgeCertificationTransfer(id: $id, idempotencyKey: $key) { transfer { ${TRANSFER_FIELDS} } } }`;
const DECIDE = `mutation($id: ID!, $uphold: Boolean!, $reason: String!, $key: String!) {
  decideCertificationTransferObjection(id: $id, uphold: $uphold, reason: $reason, idempotencyKey: $key) { transfer { ${TRANSFER_FIELDS} } } }`;
const CANCEL = `mutation($id: ID!, $key: String!) {
  cancelCertificationTransferRequest(id: $id, reason: "the client changed its mind", idempotencyKey: $key) { transfer { ${TRANSFER_FIELDS} } } }`;
const SUSPEND = `mutation($id: ID!, $v: Int!, $why: String, $key: String!) {
  suspendCertification(id: $id, expectedVersion: $v, reason: "major nonconformity at a special audit", conformityJustification: $why, idempotencyKey: $key) {
    certification { id status version } } }`;
const CERTIFICATION = `query($id: ID!) { organizationCertification(id: $id) {
  id certificateNumber status statusReason version rcb { id } transferDeadline openTransfer { id status } cycleStart expiry } }`;
const TRANSFERS = `query($party: TransferParty, $status: CertificationTransferStatus, $after: String) {
  certificationTransfers(party: $party, status: $status, first: 2, after: $after) { edges { node { id status } } pageInfo { hasNextPage endCursor } } }`;

async function issue(viewer: Viewer = asIssuing, overrides: Record<string, unknown> = {}) {
  const r = await h.ok<{
    issueCertification: {
      certification: { id: string; certificateNumber: string; cycleStart: string; expiry: string };
    };
  }>(viewer, ISSUE, { input: issueInput(overrides), key: key() });
  return r.issueCertification.certification;
}

async function codeFor(certificationId: string, viewer: Viewer = asIssuing): Promise<string> {
  const r = await h.ok<{ issueTransferAuthorization: { code: string } }>(viewer, CODE, {
    id: certificationId,
  });
  return r.issueTransferAuthorization.code;
}

const review = (overrides: Record<string, unknown> = {}) => ({
  reviewedOn: isoDaysFromToday(-3),
  reviewer: 'Dana Reviewer',
  findings: 'Certificate, last audit reports and complaints reviewed; scope matches the operations',
  openNonconformities: [{ reference: 'NC-7', severity: 'MINOR', description: 'change records incomplete' }],
  ...overrides,
});

function requestBy(
  viewer: Viewer,
  certificationId: string,
  code: string,
  extra: Record<string, unknown> = {},
) {
  return h.as<{ requestCertificationTransfer: { replayed: boolean; transfer: Transfer } }>(viewer, REQUEST, {
    input: { certificationId, authorizationCode: code, review: review(), ...extra },
    key: key(),
  });
}

async function requested(certificationId: string, extra: Record<string, unknown> = {}): Promise<Transfer> {
  const r = await requestBy(asAccepting, certificationId, await codeFor(certificationId), extra);
  expect(r.errors).toBeUndefined();
  return r.data!.requestCertificationTransfer.transfer;
}

async function certification(id: string, viewer: Viewer = asStaff) {
  const r = await h.ok<{
    organizationCertification: {
      id: string;
      certificateNumber: string;
      status: string;
      statusReason: string | null;
      version: number;
      rcb: { id: string };
      transferDeadline: string | null;
      openTransfer: { id: string; status: string } | null;
      expiry: string;
    };
  }>(viewer, CERTIFICATION, { id });
  return r.organizationCertification;
}

async function eventsFor(
  transferId: string,
): Promise<{ subject: string; status: string; outcome: string | null }[]> {
  const rows = (await h.db.dataSource.query(
    `SELECT subject, payload FROM outbox_event WHERE payload->>'transferId' = $1 ORDER BY position`,
    [transferId],
  )) as { subject: string; payload: { status: string; outcome: string | null } }[];
  return rows.map((row) => ({
    subject: row.subject,
    status: row.payload.status,
    outcome: row.payload.outcome,
  }));
}

describe('a transfer request', () => {
  it('is made by the accepting RCB with the organization’s code and its review; the issuing RCB is told and acknowledges', async () => {
    const c = await issue();
    const transfer = await requested(c.id, { certificateNumber: `ACC-${c.certificateNumber}` });
    expect(transfer).toMatchObject({
      status: 'PENDING',
      fromRcb: { id: issuing },
      toRcb: { id: accepting },
      toRcbName: 'Accepting Assurance',
      newCertificateNumber: `ACC-${c.certificateNumber}`,
      review: { reviewer: 'Dana Reviewer', openNonconformities: [{ severity: 'MINOR' }] },
    });
    const windowDays = (Date.parse(transfer.objectionDeadline) - Date.now()) / 86_400_000;
    expect(windowDays).toBeGreaterThan(13.9);
    expect(windowDays).toBeLessThanOrEqual(14);
    // both RCBs see the open transfer on the certification; another RCB does not
    expect((await certification(c.id, asIssuing)).openTransfer).toEqual({
      id: transfer.id,
      status: 'PENDING',
    });
    expect((await certification(c.id, asAccepting)).openTransfer).toEqual({
      id: transfer.id,
      status: 'PENDING',
    });
    expect((await certification(c.id, asThird)).openTransfer).toBeNull();

    const acked = await h.ok<{ acknowledgeCertificationTransfer: { transfer: Transfer } }>(asIssuing, ACK, {
      id: transfer.id,
      key: key(),
    });
    expect(acked.acknowledgeCertificationTransfer.transfer).toMatchObject({
      status: 'COMPLETED',
      outcome: 'ACKNOWLEDGED',
    });
    expect(await certification(c.id)).toMatchObject({
      rcb: { id: accepting },
      certificateNumber: `ACC-${c.certificateNumber}`,
      status: 'CERTIFIED',
      version: 2,
      openTransfer: null,
    });
    expect(await eventsFor(transfer.id)).toEqual([
      { subject: 'registry.transfer.requested', status: 'PENDING', outcome: null },
      { subject: 'registry.transfer.completed', status: 'COMPLETED', outcome: 'ACKNOWLEDGED' },
    ]);
    // the certification's own event names the RCB it moved away from, so that RCB hears of it too
    const changes = (await h.db.dataSource.query(
      `SELECT payload FROM outbox_event WHERE subject = 'registry.certification.changed'
         AND payload->>'certificationId' = $1 ORDER BY position`,
      [c.id],
    )) as { payload: { change: string; rcbId: string; previousRcbId?: string | null } }[];
    expect(changes.map((row) => row.payload)).toEqual([
      expect.objectContaining({ change: 'ISSUED', rcbId: issuing, previousRcbId: null }),
      expect.objectContaining({ change: 'TRANSFERRED', rcbId: accepting, previousRcbId: issuing }),
    ]);
    // the code was used once: it authorizes nothing more
    const again = await h.ok<{ issueTransferAuthorization: { code: string } }>(asAccepting, CODE, {
      id: c.id,
    });
    expect(again.issueTransferAuthorization.code).toMatch(/^rtc_/);
  });

  it('takes the right first: no code, a used code, another certification’s code or a third RCB’s credential change nothing', async () => {
    const c = await issue();
    const other = await issue();
    const otherCode = await codeFor(other.id);
    for (const code of ['rtc_not-a-real-code-at-all', otherCode]) {
      const refused = await requestBy(asAccepting, c.id, code);
      expect(errorCodes(refused)).toEqual(['FORBIDDEN']);
    }
    // only the holding RCB (or scheme staff) issues a code
    expect(errorCodes(await h.as(asAccepting, CODE, { id: c.id }))).toEqual(['FORBIDDEN']);
    const code = await codeFor(c.id);
    // a newer code replaces the unused one
    const newer = await codeFor(c.id, asStaff);
    expect(errorCodes(await requestBy(asAccepting, c.id, code))).toEqual(['FORBIDDEN']);
    expect((await requestBy(asAccepting, c.id, newer)).errors).toBeUndefined();
    // used: a second request with it is refused as unauthorized, not just as pending
    expect(errorCodes(await requestBy(asThird, c.id, newer))).toEqual(['FORBIDDEN']);
    expect(await certification(c.id)).toMatchObject({ rcb: { id: issuing }, version: 1 });
  });

  it('is refused while another transfer is pending', async () => {
    const c = await issue();
    await requested(c.id);
    const second = await requestBy(asThird, c.id, await codeFor(c.id));
    expect(errorCodes(second)).toEqual(['CONFLICT']);
    expect(second.errors?.[0].message).toContain('already PENDING');
  });

  it('is refused for a suspended certification (no code is issued for one either)', async () => {
    const c = await issue();
    const code = await codeFor(c.id);
    await h.ok(asIssuing, SUSPEND, { id: c.id, v: 1, key: key() });
    const refused = await requestBy(asAccepting, c.id, code);
    expect(errorCodes(refused)).toEqual(['CONFLICT']);
    expect(refused.errors?.[0].message).toContain('SUSPENDED');
    expect(errorCodes(await h.as(asIssuing, CODE, { id: c.id }))).toEqual(['CONFLICT']);
  });

  it('is refused with an open major nonconformity, or a review that is stale', async () => {
    const c = await issue();
    const code = await codeFor(c.id);
    const major = await requestBy(asAccepting, c.id, code, {
      review: review({
        openNonconformities: [{ reference: 'NC-1', severity: 'MAJOR', description: 'no SLA reviews' }],
      }),
    });
    expect(errorCodes(major)).toEqual(['CONFLICT']);
    const stale = await requestBy(asAccepting, c.id, code, {
      review: review({ reviewedOn: isoDaysFromToday(-91) }),
    });
    expect(errorCodes(stale)).toEqual(['BAD_USER_INPUT']);
    // the code survives refused requests
    expect((await requestBy(asAccepting, c.id, code)).errors).toBeUndefined();
  });

  it('answers a retry with the same key from the first result', async () => {
    const c = await issue();
    const args = {
      input: { certificationId: c.id, authorizationCode: await codeFor(c.id), review: review() },
      key: key(),
    };
    const first = await h.ok<{ requestCertificationTransfer: { replayed: boolean; transfer: Transfer } }>(
      asAccepting,
      REQUEST,
      args,
    );
    const retry = await h.ok<{ requestCertificationTransfer: { replayed: boolean; transfer: Transfer } }>(
      asAccepting,
      REQUEST,
      args,
    );
    expect(retry.requestCertificationTransfer).toMatchObject({
      replayed: true,
      transfer: { id: first.requestCertificationTransfer.transfer.id },
    });
  });
});

describe('objections', () => {
  it('upheld by scheme staff: the transfer is refused and the certification stays', async () => {
    const c = await issue();
    const t = await requested(c.id);
    // only the issuing RCB objects
    expect(errorCodes(await h.as(asAccepting, OBJECT, { id: t.id, reason: 'x', key: key() }))).toEqual([
      'FORBIDDEN',
    ]);
    const objected = await h.ok<{ objectToCertificationTransfer: { transfer: Transfer } }>(
      asIssuing,
      OBJECT,
      {
        id: t.id,
        reason: 'fees for the last surveillance audit are unpaid and a complaint is open',
        key: key(),
      },
    );
    expect(objected.objectToCertificationTransfer.transfer).toMatchObject({ status: 'OBJECTED' });
    // an objected transfer is not acknowledged and does not complete at the window's end
    expect(errorCodes(await h.as(asIssuing, ACK, { id: t.id, key: key() }))).toEqual(['CONFLICT']);
    await completeDueTransfers(jobContext(daysFromNow(30)));
    expect(
      errorCodes(await h.as(asIssuing, DECIDE, { id: t.id, uphold: true, reason: 'x', key: key() })),
    ).toEqual(['FORBIDDEN']);
    const decided = await h.ok<{ decideCertificationTransferObjection: { transfer: Transfer } }>(
      asStaff,
      DECIDE,
      {
        id: t.id,
        uphold: true,
        reason: 'the open complaint concerns the certified scope',
        key: key(),
      },
    );
    expect(decided.decideCertificationTransferObjection.transfer).toMatchObject({
      status: 'REFUSED',
      outcome: 'OBJECTION_UPHELD',
      decisionReason: 'the open complaint concerns the certified scope',
    });
    expect(await certification(c.id)).toMatchObject({ rcb: { id: issuing }, version: 1, openTransfer: null });
    expect((await eventsFor(t.id)).map((e) => e.subject)).toEqual([
      'registry.transfer.requested',
      'registry.transfer.objected',
      'registry.transfer.objection-decided',
    ]);
  });

  it('overruled by scheme staff: the transfer completes', async () => {
    const c = await issue();
    const t = await requested(c.id);
    await h.ok(asIssuing, OBJECT, { id: t.id, reason: 'we would rather keep the client', key: key() });
    const decided = await h.ok<{ decideCertificationTransferObjection: { transfer: Transfer } }>(
      asStaff,
      DECIDE,
      {
        id: t.id,
        uphold: false,
        reason: 'commercial reasons are no ground to object',
        key: key(),
      },
    );
    expect(decided.decideCertificationTransferObjection.transfer).toMatchObject({
      status: 'COMPLETED',
      outcome: 'OBJECTION_OVERRULED',
    });
    expect(await certification(c.id)).toMatchObject({ rcb: { id: accepting }, version: 2 });
    expect((await eventsFor(t.id)).map((e) => e.subject)).toEqual([
      'registry.transfer.requested',
      'registry.transfer.objected',
      'registry.transfer.objection-decided',
      'registry.transfer.completed',
    ]);
  });

  it('is refused once the window has ended', async () => {
    const c = await issue();
    const t = await requested(c.id);
    await h.db.dataSource.query(
      `UPDATE certification_transfer SET objection_deadline = now() - interval '1 minute' WHERE id = $1`,
      [t.id],
    );
    const late = await h.as(asIssuing, OBJECT, { id: t.id, reason: 'too late', key: key() });
    expect(errorCodes(late)).toEqual(['CONFLICT']);
    expect(late.errors?.[0].message).toContain('objection window ended');
  });
});

const daysFromNow = (days: number) => new Date(Date.now() + days * 86_400_000);
const jobContext = (now: Date) => ({
  dataSource: h.db.dataSource,
  now,
  today: todayUtc(now),
  rcbStatusCopy: { assertCurrent: async () => undefined },
});

describe('the objection window', () => {
  it('completes an unopposed transfer when its window ends, not a minute before, and once', async () => {
    const c = await issue();
    const t = await requested(c.id);
    const deadline = new Date(t.objectionDeadline);
    await completeDueTransfers(jobContext(new Date(deadline.getTime() - 60_000)));
    expect(await certification(c.id)).toMatchObject({
      rcb: { id: issuing },
      openTransfer: { status: 'PENDING' },
    });
    expect(
      await completeDueTransfers(jobContext(new Date(deadline.getTime() + 60_000))),
    ).toBeGreaterThanOrEqual(1);
    expect(await completeDueTransfers(jobContext(new Date(deadline.getTime() + 120_000)))).toBe(0);
    expect(await certification(c.id)).toMatchObject({
      rcb: { id: accepting },
      version: 2,
      openTransfer: null,
    });
    // once: one completion, one move
    expect(await eventsFor(t.id)).toEqual([
      { subject: 'registry.transfer.requested', status: 'PENDING', outcome: null },
      { subject: 'registry.transfer.completed', status: 'COMPLETED', outcome: 'OBJECTION_WINDOW_ENDED' },
    ]);
  });

  it('closes a transfer that stopped being transferable instead of moving it', async () => {
    const c = await issue();
    const t = await requested(c.id);
    await h.setRcbStatus(third, 'APPOINTED', 'Third Registrar');
    // the accepting RCB is suspended by the scheme before the window ends
    const loner = randomUUID();
    await h.setRcbStatus(loner, 'APPOINTED', 'Short-lived RCB');
    await h.db.dataSource.query(`UPDATE certification_transfer SET to_rcb_id = $2 WHERE id = $1`, [
      t.id,
      loner,
    ]);
    await h.setRcbStatus(loner, 'SUSPENDED', 'Short-lived RCB');
    await completeDueTransfers(jobContext(daysFromNow(15)));
    const [row] = (await h.db.dataSource.query(
      `SELECT status, outcome, close_reason FROM certification_transfer WHERE id = $1`,
      [t.id],
    )) as {
      status: string;
      outcome: string;
      close_reason: string;
    }[];
    expect(row).toMatchObject({ status: 'CANCELLED', outcome: 'NO_LONGER_TRANSFERABLE' });
    expect(row.close_reason).toContain('SUSPENDED');
    expect(await certification(c.id)).toMatchObject({ rcb: { id: issuing }, version: 1 });
  });
});

describe('the issuing RCB after notice (IAF MD 2 2.4.2)', () => {
  it('suspends only with a recorded justification, which closes the transfer', async () => {
    const c = await issue();
    const t = await requested(c.id);
    const bare = await h.as(asIssuing, SUSPEND, { id: c.id, v: 1, key: key() });
    expect(errorCodes(bare)).toEqual(['BAD_USER_INPUT']);
    expect(bare.errors?.[0].message).toContain('conformityJustification');
    expect(await certification(c.id)).toMatchObject({ status: 'CERTIFIED', version: 1 });
    await h.ok(asIssuing, SUSPEND, {
      id: c.id,
      v: 1,
      why: 'the special audit on 2 December found the service continuity plan untested for a year',
      key: key(),
    });
    const [row] = (await h.db.dataSource.query(
      `SELECT status, outcome, close_reason FROM certification_transfer WHERE id = $1`,
      [t.id],
    )) as {
      status: string;
      outcome: string;
      close_reason: string;
    }[];
    expect(row).toEqual({
      status: 'CANCELLED',
      outcome: 'SUSPENDED_BY_ISSUING_RCB',
      close_reason: 'the special audit on 2 December found the service continuity plan untested for a year',
    });
    expect((await eventsFor(t.id)).at(-1)).toMatchObject({ subject: 'registry.transfer.cancelled' });
  });

  it('cannot suspend through the bulk import while a transfer is open', async () => {
    const c = await issue();
    await requested(c.id);
    const record = {
      ...issueInput({ certificateNumber: c.certificateNumber, cycleStart: c.cycleStart }),
      status: 'SUSPENDED',
      statusReason: 'bulk',
    };
    const r = await h.ok<{
      upsertCertifications: { records: { outcome: string; errorCode: string | null }[] };
    }>(
      asIssuing,
      `mutation($input: [UpsertCertificationInput!]!) { upsertCertifications(input: $input) { records { outcome errorCode } } }`,
      { input: [record] },
    );
    expect(r.upsertCertifications.records[0]).toEqual({ outcome: 'REJECTED', errorCode: 'CONFLICT' });
  });

  it('lets the accepting RCB withdraw its request', async () => {
    const c = await issue();
    const t = await requested(c.id);
    expect(errorCodes(await h.as(asIssuing, CANCEL, { id: t.id, key: key() }))).toEqual(['FORBIDDEN']);
    const cancelled = await h.ok<{ cancelCertificationTransferRequest: { transfer: Transfer } }>(
      asAccepting,
      CANCEL,
      { id: t.id, key: key() },
    );
    expect(cancelled.cancelCertificationTransferRequest.transfer).toMatchObject({
      status: 'CANCELLED',
      outcome: 'CANCELLED_BY_ACCEPTING_RCB',
    });
  });
});

describe('listing transfers', () => {
  it('shows an RCB the transfers it is party to, by side, page by page; scheme staff see all', async () => {
    const lister = randomUUID();
    const asLister = viewers.rcbIntegration(lister);
    await h.setRcbStatus(lister, 'APPOINTED', 'Lister RCB');
    const ids: string[] = [];
    for (let i = 0; i < 3; i++) {
      const c = await issue();
      const r = await requestBy(asLister, c.id, await codeFor(c.id));
      ids.push(r.data!.requestCertificationTransfer.transfer.id);
    }
    const page = (after?: string) =>
      h.ok<{
        certificationTransfers: {
          edges: { node: { id: string } }[];
          pageInfo: { hasNextPage: boolean; endCursor: string };
        };
      }>(asLister, TRANSFERS, { party: 'ACCEPTING', after });
    const first = await page();
    const second = await page(first.certificationTransfers.pageInfo.endCursor);
    expect(first.certificationTransfers.pageInfo.hasNextPage).toBe(true);
    expect(
      [...first.certificationTransfers.edges, ...second.certificationTransfers.edges].map((e) => e.node.id),
    ).toEqual(ids);
    const issuingSide = await h.ok<{ certificationTransfers: { edges: unknown[] } }>(asLister, TRANSFERS, {
      party: 'ISSUING',
    });
    expect(issuingSide.certificationTransfers.edges).toEqual([]);
    expect(errorCodes(await h.as(viewers.public, TRANSFERS, {}))).toEqual(['FORBIDDEN']);
  });
});

describe('an RCB that lost its appointment', () => {
  it('flags its certifications with the deadline (six months, or expiry if sooner); they expire honestly untransferred', async () => {
    const gone = randomUUID();
    const asGone = viewers.rcbIntegration(gone);
    await h.setRcbStatus(gone, 'APPOINTED', 'Gone Certification');
    const long = await issue(asGone, { cycleStart: isoDaysFromToday(-30) });
    const short = await issue(asGone, { cycleStart: isoDaysFromToday(-1000), expiry: isoDaysFromToday(40) });
    await h.setRcbStatus(gone, 'WITHDRAWN', 'Gone Certification');
    const sixMonths = addMonths(todayUtc(), 6);
    expect((await certification(long.id)).transferDeadline).toBe(sixMonths);
    expect((await certification(short.id)).transferDeadline).toBe(isoDaysFromToday(40));

    // the day of the deadline it is still valid; the day after it expires, with the reason
    await expireDueCertifications(h.db.dataSource, sixMonths);
    expect(await statusOf(long.id)).toBe('CERTIFIED');
    await expireDueCertifications(h.db.dataSource, addDaysIso(sixMonths, 1));
    const expired = await certification(long.id);
    expect(expired.status).toBe('EXPIRED');
    expect(expired.statusReason).toContain(`not transferred by ${sixMonths}`);
  });

  it('may still transfer before the deadline, with a code from scheme staff; the deadline then no longer applies', async () => {
    const gone = randomUUID();
    const asGone = viewers.rcbIntegration(gone);
    await h.setRcbStatus(gone, 'APPOINTED', 'Gone Again Certification');
    const c = await issue(asGone);
    await h.setRcbStatus(gone, 'WITHDRAWN', 'Gone Again Certification');
    const code = await codeFor(c.id, asStaff);
    const r = await requestBy(asAccepting, c.id, code);
    expect(r.errors).toBeUndefined();
    await h.ok(asStaff, ACK, { id: r.data!.requestCertificationTransfer.transfer.id, key: key() });
    expect(await certification(c.id)).toMatchObject({
      rcb: { id: accepting },
      transferDeadline: null,
      status: 'CERTIFIED',
    });
  });
});

async function statusOf(id: string): Promise<string> {
  const [row] = (await h.db.dataSource.query(`SELECT status FROM organization_certification WHERE id = $1`, [
    id,
  ])) as {
    status: string;
  }[];
  return row.status;
}

function addDaysIso(date: string, days: number): string {
  const d = new Date(`${date}T00:00:00Z`);
  d.setUTCDate(d.getUTCDate() + days);
  return d.toISOString().slice(0, 10);
}
