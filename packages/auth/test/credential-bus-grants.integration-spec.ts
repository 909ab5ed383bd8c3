import { randomBytes, randomUUID } from 'node:crypto';
import { type NatsConnection } from 'nats';
import pino from 'pino';
import {
  BUS_IDENTITIES,
  busServerConfig,
  connectNats,
  ensureStreams,
  natsAuthOptionsFrom,
  type BusIdentity,
  type BusUser,
} from '@iso20000/events';
import { LocalNatsServer, sleep } from '@iso20000/testing';
import { createCredentialStore, generateRcbCredential, serveCredentialSnapshots } from '../src';

const logger = pino({ level: 'silent' });

// The grants of deploy/k8s and npm start, on a private nats-server: a verifier under its own identity
// can prove its copy current and rebuild it from accreditation.
describe('credential copies under the bus identities', () => {
  const users: BusUser[] = BUS_IDENTITIES.map((identity) => ({
    identity,
    user: identity,
    password: randomBytes(18).toString('base64url'),
  }));
  let server: LocalNatsServer;
  const opened: NatsConnection[] = [];

  async function connectAs(identity: BusIdentity): Promise<NatsConnection> {
    const user = users.find((u) => u.identity === identity) as BusUser;
    const nc = await connectNats(server.url, `grants-${identity}`, {
      ...natsAuthOptionsFrom({ NATS_USER: user.user, NATS_PASSWORD: user.password }),
      maxReconnectAttempts: 0,
    });
    opened.push(nc);
    return nc;
  }

  beforeAll(async () => {
    server = await LocalNatsServer.start({
      config: (port, storeDir) => busServerConfig({ users, host: '127.0.0.1', port, storeDir }),
    });
  }, 30_000);

  afterAll(async () => {
    await Promise.all(opened.map((nc) => nc.close()));
    await server?.dispose();
  });

  it('the gateway verifies a key only accreditation knows (empty stream), and stays current past the bound', async () => {
    const accreditation = await connectAs('accreditation');
    await ensureStreams(accreditation);
    const key = generateRcbCredential();
    const rcbId = randomUUID();
    const responder = serveCredentialSnapshots({
      nc: accreditation,
      logger,
      load: async () => ({
        credentials: [{ credentialId: key.id, rcbId, secretHash: key.secretHash }],
        revoked: [],
      }),
    });
    responder.start();
    const store = await createCredentialStore({
      nc: await connectAs('gateway'),
      logger,
      name: 'gateway',
      maxStalenessMs: 500,
    });
    try {
      await store.ready();
      await expect(store.verify(key.apiKey)).resolves.toEqual({ credentialId: key.id, rcbId });
      await sleep(1_200);
      await expect(store.verify(key.apiKey)).resolves.toEqual({ credentialId: key.id, rcbId });
    } finally {
      await store.close();
      await responder.stop();
    }
  });
});
