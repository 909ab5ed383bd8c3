import { createCredentialStore, type CredentialStore } from '@iso20000/auth';
import { ensureStreams, removeStreams } from '@iso20000/events';
import { appointedRcb, eventually, schemeStaff, startHarness, type Harness } from './harness';

let h: Harness;
const stores: CredentialStore[] = [];
beforeAll(async () => {
  h = await startHarness();
});
afterAll(async () => {
  await Promise.all(stores.map((store) => store.close()));
  await h?.close();
});

const CREATE = `mutation($rcbId: ID!) { createRcbCredential(rcbId: $rcbId, label: "ERP") { apiKey credential { id } } }`;
const REVOKE = `mutation($id: ID!) { revokeRcbCredential(credentialId: $id) { id } }`;
type Issued = { createRcbCredential: { apiKey: string; credential: { id: string } } };

async function storeOf(name: string): Promise<CredentialStore> {
  const store = await createCredentialStore({ nc: h.nc, namespace: h.namespace, logger: h.logger, name });
  stores.push(store);
  await store.ready();
  return store;
}

it('a process that starts after the event store lost its streams rebuilds its keys from accreditation', async () => {
  const rcbId = await appointedRcb(h, { name: 'Keyed Cert' });
  const kept = (await h.ok<Issued>(schemeStaff, CREATE, { rcbId })).createRcbCredential;
  const revoked = (await h.ok<Issued>(schemeStaff, CREATE, { rcbId })).createRcbCredential;
  await h.ok(schemeStaff, REVOKE, { id: revoked.credential.id });
  // the outbox has published every event (then the store loses them)
  await eventually(
    async () => {
      const [row] = (await h.db.dataSource.query(
        `SELECT count(*)::int AS n FROM outbox_event WHERE published_at IS NULL`,
      )) as { n: number }[];
      return row.n === 0 ? true : undefined;
    },
    10_000,
    'the outbox published',
  );

  // JetStream's store is gone; the streams come back empty (as ensureStreams makes them at start)
  await removeStreams(h.nc, h.namespace);
  await ensureStreams(h.nc, h.namespace);

  const store = await storeOf('restarted');
  await expect(store.verify(kept.apiKey)).resolves.toEqual({ credentialId: kept.credential.id, rcbId });
  await expect(store.verify(revoked.apiKey)).resolves.toBeNull();

  // without accreditation answering, the empty stream alone would forget the key: the case guarded
  await h.service.stop();
  const alone = await storeOf('without-owner');
  await expect(alone.verify(kept.apiKey)).resolves.toBeNull();
});
