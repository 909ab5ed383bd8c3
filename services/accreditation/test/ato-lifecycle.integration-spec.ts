import { errorCodes } from '@iso20000/testing';
import { wireSubject } from '@iso20000/events';
import {
  APPLY_ATO,
  accreditedAto,
  atoApplication,
  atoStaff,
  candidate,
  eventually,
  publicViewer,
  schemeStaff,
  startHarness,
  type Harness,
} from './harness';

let h: Harness;
beforeAll(async () => {
  h = await startHarness();
});
afterAll(() => h.close());

const outboxCount = async (subject: string): Promise<number> =>
  Number(
    (
      await h.db.dataSource.query(`SELECT count(*)::int AS n FROM outbox_event WHERE subject = $1`, [subject])
    )[0].n,
  );

const ATO_VIEW = `
  query($id: ID!) {
    ato(id: $id) {
      id name country status examLevels languages deliveryModes website logoLicensed
      companyDetails { legalName registrationNumber }
      statusReason suspendedUntil
      statusHistory { edges { node { fromStatus toStatus reason changedBy changedAt suspendedUntil } } }
    }
  }`;

describe('ATO application and lifecycle', () => {
  it('lets anyone apply, and keeps the application away from the public', async () => {
    const applied = await h.as<{ applyForAtoAccreditation: { id: string; status: string } }>(
      publicViewer,
      APPLY_ATO,
      { input: atoApplication({ name: 'Applicant One' }) },
    );
    expect(applied.errors).toBeUndefined();
    const id = applied.data!.applyForAtoAccreditation.id;
    expect(applied.data!.applyForAtoAccreditation.status).toBe('APPLIED');

    expect((await h.as(publicViewer, ATO_VIEW, { id })).data).toEqual({ ato: null });
    expect((await h.as(candidate('00000000-0000-4000-8000-000000000001'), ATO_VIEW, { id })).data).toEqual({
      ato: null,
    });
    const staffView = await h.as<{
      ato: {
        status: string;
        statusHistory: { edges: { node: { toStatus: string; fromStatus: string | null } }[] };
      };
    }>(schemeStaff, ATO_VIEW, { id });
    expect(staffView.errors).toBeUndefined();
    expect(staffView.data!.ato.statusHistory.edges.map((e) => [e.node.fromStatus, e.node.toStatus])).toEqual([
      [null, 'APPLIED'],
    ]);
  });

  it('refuses a bad application with a message naming the field, and stores nothing', async () => {
    const before = await outboxCount('accreditation.ato.status-changed');
    const result = await h.as(publicViewer, APPLY_ATO, { input: atoApplication({ country: 'Britain' }) });
    expect(errorCodes(result)).toEqual(['BAD_USER_INPUT']);
    expect(result.errors![0].message).toMatch(/^input\.country must be an ISO 3166-1 alpha-2 country code/);
    const contactless = await h.as(publicViewer, APPLY_ATO, { input: atoApplication({ contacts: [] }) });
    expect(contactless.errors![0].message).toBe('input.contacts: give at least one contact');
    expect(await outboxCount('accreditation.ato.status-changed')).toBe(before);
  });

  it('walks the lifecycle with history (who, when, why) and one event per change', async () => {
    const before = await outboxCount('accreditation.ato.status-changed');
    const id = await accreditedAto(h, { name: 'Lifecycle Training' });
    const suspend = await h.as(
      schemeStaff,
      `mutation($id: ID!) { suspendAto(atoId: $id, reason: "trainer records missing", until: "2099-01-31") { status } }`,
      { id },
    );
    expect(suspend.data).toEqual({ suspendAto: { status: 'SUSPENDED' } });
    const reinstate = await h.as(
      schemeStaff,
      `mutation($id: ID!) { reinstateAto(atoId: $id, reason: "records supplied") { status } }`,
      { id },
    );
    expect(reinstate.data).toEqual({ reinstateAto: { status: 'ACCREDITED' } });
    const withdraw = await h.as(
      schemeStaff,
      `mutation($id: ID!) { withdrawAto(atoId: $id, reason: "ceased trading") { status } }`,
      { id },
    );
    expect(withdraw.data).toEqual({ withdrawAto: { status: 'WITHDRAWN' } });

    const view = await h.as<{
      ato: { statusReason: string; statusHistory: { edges: { node: Record<string, unknown> }[] } };
    }>(schemeStaff, ATO_VIEW, { id });
    const history = view.data!.ato.statusHistory.edges.map((e) => e.node);
    expect(history.map((c) => c.toStatus)).toEqual([
      'APPLIED',
      'UNDER_ASSESSMENT',
      'ACCREDITED',
      'SUSPENDED',
      'ACCREDITED',
      'WITHDRAWN',
    ]);
    expect(history[3]).toMatchObject({
      fromStatus: 'ACCREDITED',
      reason: 'trainer records missing',
      suspendedUntil: '2099-01-31',
      changedBy: 'staff-1',
    });
    expect(history[2]).toMatchObject({ reason: 'meets the criteria' });
    expect(history[0].changedBy).toBeNull();
    expect(view.data!.ato.statusReason).toBe('ceased trading');
    expect(await outboxCount('accreditation.ato.status-changed')).toBe(before + 6);
  });

  it('refuses an illegal transition with CONFLICT and changes nothing', async () => {
    const id = await accreditedAto(h, { name: 'Strict Training' });
    const before = await outboxCount('accreditation.ato.status-changed');
    const reinstate = await h.as(schemeStaff, `mutation($id: ID!) { reinstateAto(atoId: $id) { status } }`, {
      id,
    });
    expect(errorCodes(reinstate)).toEqual(['CONFLICT']);
    expect(reinstate.errors![0].message).toBe(
      'cannot reinstate an ATO that is ACCREDITED; allowed now: suspend, withdraw',
    );
    const accreditAgain = await h.as(
      schemeStaff,
      `mutation($id: ID!) { decideAtoApplication(atoId: $id, decision: ACCREDIT, notes: "again") { status } }`,
      { id },
    );
    expect(errorCodes(accreditAgain)).toEqual(['CONFLICT']);
    const pastEnd = await h.as(
      schemeStaff,
      `mutation($id: ID!) { suspendAto(atoId: $id, reason: "x", until: "2001-01-01") { status } }`,
      { id },
    );
    expect(errorCodes(pastEnd)).toEqual(['BAD_USER_INPUT']);
    const view = await h.as<{ ato: { status: string; statusHistory: { edges: unknown[] } } }>(
      schemeStaff,
      ATO_VIEW,
      { id },
    );
    expect(view.data!.ato.status).toBe('ACCREDITED');
    expect(view.data!.ato.statusHistory.edges).toHaveLength(3);
    expect(await outboxCount('accreditation.ato.status-changed')).toBe(before);
  });

  it('serializes concurrent changes: of two simultaneous suspensions, one wins and one gets CONFLICT', async () => {
    const id = await accreditedAto(h, { name: 'Raced Training' });
    const suspend = `mutation($id: ID!) { suspendAto(atoId: $id, reason: "race") { status } }`;
    const results = await Promise.all([
      h.as(schemeStaff, suspend, { id }),
      h.as(schemeStaff, suspend, { id }),
    ]);
    expect(results.map((r) => errorCodes(r)).sort()).toEqual([[], ['CONFLICT']]);
    const view = await h.as<{ ato: { statusHistory: { edges: { node: { toStatus: string } }[] } } }>(
      schemeStaff,
      ATO_VIEW,
      { id },
    );
    expect(view.data!.ato.statusHistory.edges.map((e) => e.node.toStatus)).toEqual([
      'APPLIED',
      'UNDER_ASSESSMENT',
      'ACCREDITED',
      'SUSPENDED',
    ]);
  });

  it('lets only scheme staff move the lifecycle', async () => {
    const id = await accreditedAto(h, { name: 'Guarded Training' });
    const suspend = `mutation($id: ID!) { suspendAto(atoId: $id, reason: "audit") { status } }`;
    expect(errorCodes(await h.as(publicViewer, suspend, { id }))).toEqual(['UNAUTHENTICATED']);
    expect(errorCodes(await h.as(atoStaff(id), suspend, { id }))).toEqual(['FORBIDDEN']);
    expect(
      errorCodes(await h.as(candidate('00000000-0000-4000-8000-000000000002'), suspend, { id })),
    ).toEqual(['FORBIDDEN']);
    expect(
      errorCodes(
        await h.as(
          schemeStaff,
          `mutation { suspendAto(atoId: "00000000-0000-4000-8000-00000000dead", reason: "x") { status } }`,
        ),
      ),
    ).toEqual(['NOT_FOUND']);
  });

  it('publishes the suspension on the bus through the outbox', async () => {
    const id = await accreditedAto(h, { name: 'Evented Training' });
    const subscription = h.nc.subscribe(wireSubject('accreditation.ato.status-changed', h.namespace));
    const seen: { payload: { atoId: string; status: string; previousStatus: string; reason: string } }[] = [];
    void (async () => {
      for await (const message of subscription) seen.push(JSON.parse(new TextDecoder().decode(message.data)));
    })();
    await h.as(
      schemeStaff,
      `mutation($id: ID!) { suspendAto(atoId: $id, reason: "complaint under review") { status } }`,
      { id },
    );
    const event = await eventually(
      async () => seen.find((e) => e.payload.atoId === id && e.payload.status === 'SUSPENDED'),
      10_000,
      'the suspension event',
    );
    expect(event.payload).toMatchObject({ previousStatus: 'ACCREDITED', reason: 'complaint under review' });
    subscription.unsubscribe();
  });
});

describe('who sees what on ATOs', () => {
  let accredited: string;
  let applied: string;
  beforeAll(async () => {
    accredited = await accreditedAto(h, { name: 'Visible Academy', country: 'NL' });
    const result = await h.as<{ applyForAtoAccreditation: { id: string } }>(publicViewer, APPLY_ATO, {
      input: atoApplication({ name: 'Visible Applicant', country: 'NL' }),
    });
    applied = result.data!.applyForAtoAccreditation.id;
  });

  it('shows the public an accredited ATO but not its company details or history', async () => {
    const result = await h.as<{ ato: Record<string, unknown> }>(
      publicViewer,
      `query($id: ID!) { ato(id: $id) { name country status examLevels website companyDetails { legalName } } }`,
      { id: accredited },
    );
    expect(result.data!.ato).toMatchObject({
      name: 'Visible Academy',
      country: 'NL',
      status: 'ACCREDITED',
      website: 'https://se.example',
      companyDetails: null,
    });
    expect(errorCodes(result)).toEqual(['FORBIDDEN']);
    const history = await h.as(
      publicViewer,
      `query($id: ID!) { ato(id: $id) { statusHistory { edges { cursor } } } }`,
      { id: accredited },
    );
    expect(errorCodes(history)).toEqual(['FORBIDDEN']);
  });

  it('shows ATO staff their own organization in full, whatever its status, and no one else’s details', async () => {
    const own = await h.as<{ ato: { status: string; companyDetails: { legalName: string } } }>(
      atoStaff(applied),
      `query($id: ID!) { ato(id: $id) { status companyDetails { legalName } statusHistory { edges { node { toStatus } } } } }`,
      { id: applied },
    );
    expect(own.errors).toBeUndefined();
    expect(own.data!.ato).toMatchObject({
      status: 'APPLIED',
      companyDetails: { legalName: 'Service Excellence Ltd' },
    });
    const notes = await h.as(atoStaff(applied), `query($id: ID!) { ato(id: $id) { assessmentNotes } }`, {
      id: applied,
    });
    expect(errorCodes(notes)).toEqual(['FORBIDDEN']);
    const other = await h.as(
      atoStaff(applied),
      `query($id: ID!) { ato(id: $id) { name companyDetails { legalName } } }`,
      { id: accredited },
    );
    expect(errorCodes(other)).toEqual(['FORBIDDEN']);
  });

  it('lists what each role may see', async () => {
    const list = `query($f: AtoFilter) { atos(filter: $f, first: 50) { edges { node { id status } } } }`;
    const ids = (r: { data?: { atos: { edges: { node: { id: string } }[] } } | null }) =>
      r.data!.atos.edges.map((e) => e.node.id);
    const filter = { f: { country: 'NL' } };
    expect(ids(await h.as(publicViewer, list, filter))).toEqual([accredited]);
    expect(ids(await h.as(atoStaff(applied), list, filter)).sort()).toEqual([accredited, applied].sort());
    expect(ids(await h.as(schemeStaff, list, { f: { country: 'NL', status: ['APPLIED'] } }))).toEqual([
      applied,
    ]);
    expect(ids(await h.as(publicViewer, list, { f: { country: 'NL', status: ['APPLIED'] } }))).toEqual([]);
  });

  it('resolves references in one batch, with the same visibility', async () => {
    const query = `query($reps: [_Any!]!) { _entities(representations: $reps) { ... on Ato { id name } } }`;
    const reps = [accredited, applied].map((id) => ({ __typename: 'Ato', id }));
    const measured = await h.db.sql.measure(() =>
      h.as<{ _entities: ({ id: string } | null)[] }>(publicViewer, query, { reps }),
    );
    expect(measured.result.data!._entities).toEqual([{ id: accredited, name: 'Visible Academy' }, null]);
    expect(measured.statements.filter((s) => s.includes('FROM "ato"'))).toHaveLength(1);
    const staff = await h.as<{ _entities: ({ id: string } | null)[] }>(schemeStaff, query, { reps });
    expect(staff.data!._entities.map((e) => e?.id)).toEqual([accredited, applied]);
  });
});
