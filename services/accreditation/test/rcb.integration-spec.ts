import { createHash } from 'node:crypto';
import { errorCodes } from '@iso20000/testing';
import { PUBLIC_VIEWER, type Viewer } from '@iso20000/auth';
import {
  appointedRcb,
  eventually,
  publicViewer,
  rcbApplication,
  rcbIntegration,
  schemeStaff,
  startHarness,
  type Harness,
} from './harness';

let h: Harness;
beforeAll(async () => {
  h = await startHarness();
});
afterAll(() => h.close());

/** Authenticates an Authorization header exactly as a request to this subgraph would be. */
async function viewerFor(authorization: string): Promise<Viewer> {
  const context = await h.service.context({ headers: { authorization }, remoteAddress: '127.0.0.1' });
  return context.viewer;
}
async function authenticates(apiKey: string): Promise<boolean> {
  try {
    return (await viewerFor(`ApiKey ${apiKey}`)).role === 'rcb_integration';
  } catch {
    return false;
  }
}

const CREATE = `mutation($rcbId: ID!, $label: String) { createRcbCredential(rcbId: $rcbId, label: $label) { apiKey credential { id rcbId label createdBy lastUsedAt revokedAt } } }`;
type Issued = {
  apiKey: string;
  credential: { id: string; rcbId: string; label: string; lastUsedAt: string | null };
};

describe('RCB lifecycle and visibility', () => {
  it('appoints, suspends and withdraws an RCB with history, shown to the public only while appointed', async () => {
    const id = await appointedRcb(h, { name: 'Lifecycle Cert' });
    const publicView = `query($id: ID!) { rcb(id: $id) { name status countriesServed nationalAccreditationBody } }`;
    expect((await h.as(publicViewer, publicView, { id })).data).toEqual({
      rcb: {
        name: 'Lifecycle Cert',
        status: 'APPOINTED',
        countriesServed: ['DE', 'AT', 'CH'],
        nationalAccreditationBody: 'DAkkS',
      },
    });
    const reference = await h.as(
      publicViewer,
      `query($id: ID!) { rcb(id: $id) { accreditationReference } }`,
      { id },
    );
    expect(errorCodes(reference)).toEqual(['FORBIDDEN']);
    expect(
      (await h.as(rcbIntegration(id), `query($id: ID!) { rcb(id: $id) { accreditationReference } }`, { id }))
        .data,
    ).toEqual({ rcb: { accreditationReference: 'D-ZM-12345-01-00' } });

    const suspended = await h.as(
      schemeStaff,
      `mutation($id: ID!) { suspendRcb(rcbId: $id, reason: "accreditation lapsed") { status } }`,
      { id },
    );
    expect(suspended.data).toEqual({ suspendRcb: { status: 'SUSPENDED' } });
    expect((await h.as(publicViewer, publicView, { id })).data).toEqual({ rcb: null });
    // The registry's existing entries still name their (now suspended) RCB; an application never resolves.
    const applicant = await h.as<{ applyForRcbAppointment: { id: string } }>(
      publicViewer,
      `mutation($input: RcbApplicationInput!) { applyForRcbAppointment(input: $input) { id } }`,
      {
        input: rcbApplication({ name: 'Never Appointed' }),
      },
    );
    const references = await h.as(
      publicViewer,
      `query($reps: [_Any!]!) { _entities(representations: $reps) { ... on Rcb { name status } } }`,
      {
        reps: [id, applicant.data!.applyForRcbAppointment.id].map((rcbId) => ({
          __typename: 'Rcb',
          id: rcbId,
        })),
      },
    );
    expect(references.data).toEqual({ _entities: [{ name: 'Lifecycle Cert', status: 'SUSPENDED' }, null] });
    const events: { payload: { status: string; previousStatus: string | null } }[] =
      await h.db.dataSource.query(
        `SELECT payload FROM outbox_event WHERE subject = 'accreditation.rcb.status-changed' AND payload->>'rcbId' = $1 ORDER BY position`,
        [id],
      );
    expect(events.map((e) => e.payload.status)).toEqual([
      'APPLIED',
      'UNDER_ASSESSMENT',
      'APPOINTED',
      'SUSPENDED',
    ]);

    const illegal = await h.as(
      schemeStaff,
      `mutation($id: ID!) { decideRcbApplication(rcbId: $id, decision: APPOINT, notes: "x") { status } }`,
      { id },
    );
    expect(illegal.errors![0]).toMatchObject({
      message: 'cannot appoint an RCB that is SUSPENDED; allowed now: reinstate, withdraw',
      extensions: { code: 'CONFLICT' },
    });

    const history = await h.as<{
      rcb: { statusHistory: { edges: { node: { toStatus: string; reason: string | null } }[] } };
    }>(
      schemeStaff,
      `query($id: ID!) { rcb(id: $id) { assessmentNotes statusHistory(first: 2) { edges { node { toStatus reason } } pageInfo { hasNextPage endCursor } } } }`,
      { id },
    );
    expect(history.data!.rcb.statusHistory.edges.map((e) => e.node.toStatus)).toEqual([
      'APPLIED',
      'UNDER_ASSESSMENT',
    ]);
  });

  it('lists appointed RCBs to the public, applications to scheme staff', async () => {
    const appointed = await appointedRcb(h, { name: 'Listed Cert', country: 'FR' });
    const applied = await h.as<{ applyForRcbAppointment: { id: string } }>(
      publicViewer,
      `mutation($input: RcbApplicationInput!) { applyForRcbAppointment(input: $input) { id } }`,
      {
        input: rcbApplication({ name: 'Applying Cert', country: 'FR' }),
      },
    );
    const list = `query($f: RcbFilter) { rcbs(filter: $f) { edges { node { id } } } }`;
    const ids = (r: { data?: { rcbs: { edges: { node: { id: string } }[] } } | null }) =>
      r.data!.rcbs.edges.map((e) => e.node.id);
    expect(ids(await h.as(publicViewer, list, { f: { country: 'FR' } }))).toEqual([appointed]);
    expect(ids(await h.as(schemeStaff, list, { f: { country: 'FR' } })).sort()).toEqual(
      [appointed, applied.data!.applyForRcbAppointment.id].sort(),
    );
  });
});

describe('RCB integration credentials', () => {
  let rcbId: string;
  let otherRcbId: string;
  beforeAll(async () => {
    rcbId = await appointedRcb(h, { name: 'Keyed Cert' });
    otherRcbId = await appointedRcb(h, { name: 'Other Cert' });
  });

  it('shows the key once, stores only its hash, and the key authenticates as that RCB', async () => {
    const created = await h.as<{ createRcbCredential: Issued }>(schemeStaff, CREATE, {
      rcbId,
      label: 'ERP integration',
    });
    expect(created.errors).toBeUndefined();
    const { apiKey, credential } = created.data!.createRcbCredential;
    expect(apiKey).toMatch(/^rcbk_[0-9a-f]{32}_/);
    expect(credential).toMatchObject({ rcbId, label: 'ERP integration', lastUsedAt: null });
    const secret = apiKey.split('_').slice(2).join('_');
    const [row] = await h.db.dataSource.query(
      `SELECT row_to_json(c)::text AS text, secret_hash FROM rcb_credential c WHERE id = $1`,
      [credential.id],
    );
    expect(row.secret_hash).toBe(createHash('sha256').update(secret).digest('hex'));
    expect(row.text).not.toContain(secret);

    const viewer = await eventually(
      async () => ((await authenticates(apiKey)) ? viewerFor(`ApiKey ${apiKey}`) : undefined),
      10_000,
      'the credential to replicate',
    );
    expect(viewer).toMatchObject({ role: 'rcb_integration', rcbId, credentialId: credential.id });

    // The verifier announces the use; we record it as last used.
    const lastUsed = await eventually(
      async () => {
        const list = await h.as<{
          rcb: { credentials: { edges: { node: { id: string; lastUsedAt: string | null } }[] } };
        }>(viewer, `query($id: ID!) { rcb(id: $id) { credentials { edges { node { id lastUsedAt } } } } }`, {
          id: rcbId,
        });
        return (
          list.data!.rcb.credentials.edges.find((e) => e.node.id === credential.id)?.node.lastUsedAt ??
          undefined
        );
      },
      10_000,
      'last used to be recorded',
    );
    expect(Date.now() - Date.parse(lastUsed)).toBeLessThan(60_000);
  });

  it('lets the RCB manage its own credentials and nobody else’s', async () => {
    const own = rcbIntegration(rcbId);
    const created = await h.as<{ createRcbCredential: Issued }>(own, CREATE, {
      rcbId,
      label: 'second system',
    });
    expect(created.errors).toBeUndefined();
    expect(errorCodes(await h.as(rcbIntegration(otherRcbId), CREATE, { rcbId }))).toEqual(['FORBIDDEN']);
    expect(errorCodes(await h.as(PUBLIC_VIEWER, CREATE, { rcbId }))).toEqual(['UNAUTHENTICATED']);
    const revokeOthers = await h.as(
      rcbIntegration(otherRcbId),
      `mutation($id: ID!) { revokeRcbCredential(credentialId: $id) { id } }`,
      { id: created.data!.createRcbCredential.credential.id },
    );
    expect(errorCodes(revokeOthers)).toEqual(['NOT_FOUND']);
    const listOthers = await h.as(
      rcbIntegration(otherRcbId),
      `query($id: ID!) { rcb(id: $id) { credentials { edges { cursor } } } }`,
      { id: rcbId },
    );
    expect(errorCodes(listOthers)).toEqual(['FORBIDDEN']);
  });

  it('stops a revoked credential from working within seconds', async () => {
    const created = await h.as<{ createRcbCredential: Issued }>(schemeStaff, CREATE, {
      rcbId,
      label: 'to revoke',
    });
    const { apiKey, credential } = created.data!.createRcbCredential;
    await eventually(
      async () => ((await authenticates(apiKey)) ? true : undefined),
      10_000,
      'the credential to work',
    );
    const revoked = await h.as<{ revokeRcbCredential: { revokedAt: string } }>(
      schemeStaff,
      `mutation($id: ID!) { revokeRcbCredential(credentialId: $id) { revokedAt } }`,
      { id: credential.id },
    );
    expect(revoked.data!.revokeRcbCredential.revokedAt).toBeTruthy();
    const startedAt = Date.now();
    await eventually(
      async () => ((await authenticates(apiKey)) ? undefined : true),
      5_000,
      'the revocation to reach the verifier',
    );
    expect(Date.now() - startedAt).toBeLessThan(5_000);
    await expect(viewerFor(`ApiKey ${apiKey}`)).rejects.toMatchObject({
      extensions: { code: 'UNAUTHENTICATED' },
    });
    const again = await h.as(
      schemeStaff,
      `mutation($id: ID!) { revokeRcbCredential(credentialId: $id) { id } }`,
      { id: credential.id },
    );
    expect(errorCodes(again)).toEqual(['CONFLICT']);
  });

  it('rotates: a new key works, the old one stops', async () => {
    const created = await h.as<{ createRcbCredential: Issued }>(schemeStaff, CREATE, {
      rcbId,
      label: 'rotating',
    });
    const old = created.data!.createRcbCredential;
    await eventually(
      async () => ((await authenticates(old.apiKey)) ? true : undefined),
      10_000,
      'the old key to work',
    );
    const rotated = await h.as<{
      rotateRcbCredential: {
        apiKey: string;
        credential: { id: string; label: string; replacesCredentialId: string };
      };
    }>(
      rcbIntegration(rcbId),
      `mutation($id: ID!) { rotateRcbCredential(credentialId: $id) { apiKey credential { id label replacesCredentialId } } }`,
      { id: old.credential.id },
    );
    expect(rotated.data!.rotateRcbCredential.credential).toMatchObject({
      label: 'rotating',
      replacesCredentialId: old.credential.id,
    });
    await eventually(
      async () =>
        (await authenticates(rotated.data!.rotateRcbCredential.apiKey)) && !(await authenticates(old.apiKey))
          ? true
          : undefined,
      10_000,
      'the rotation',
    );
  });

  it('revokes every credential of a withdrawn RCB', async () => {
    const leaving = await appointedRcb(h, { name: 'Leaving Cert' });
    const created = await h.as<{ createRcbCredential: Issued }>(schemeStaff, CREATE, { rcbId: leaving });
    const { apiKey } = created.data!.createRcbCredential;
    await eventually(
      async () => ((await authenticates(apiKey)) ? true : undefined),
      10_000,
      'the key to work',
    );
    await h.as(
      schemeStaff,
      `mutation($id: ID!) { withdrawRcb(rcbId: $id, reason: "appointment ended") { status } }`,
      { id: leaving },
    );
    await eventually(
      async () => ((await authenticates(apiKey)) ? undefined : true),
      5_000,
      'the key to stop',
    );
    const refused = await h.as(schemeStaff, CREATE, { rcbId: leaving });
    expect(errorCodes(refused)).toEqual(['CONFLICT']);
  });
});
