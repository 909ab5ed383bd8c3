import { spawnSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { copyFileSync, existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseAllDocuments } from 'yaml';
import {
  BUS_IDENTITIES,
  busAuthorizationConf,
  connectNats,
  passwordVariableOf,
  type BusIdentity,
} from '@iso20000/events';
import { LocalNatsServer } from '@iso20000/testing';

// The cluster's NATS reads its users from deploy/k8s/base/nats-auth.conf (a ConfigMap) and their
// passwords from its environment (a Secret): the file must be the grants the code defines, and a
// real nats-server must load it.
const root = join(__dirname, '..', '..', '..');
const NATS_SERVER =
  process.env.NATS_SERVER_BIN ??
  (existsSync('/usr/sbin/nats-server') ? '/usr/sbin/nats-server' : 'nats-server');
const committed = readFileSync(join(root, 'deploy/k8s/base/nats-auth.conf'), 'utf8');

it('is the authorization the events package generates', () => {
  // after a change to busPermissions: node tools/dev/bin/run-ts.mjs tools/dev/src/compose-bus.ts k8s
  expect(committed).toBe(busAuthorizationConf());
});

it('gives every process its NATS user and password from the Secret the server reads', () => {
  const manifest = (file: string) =>
    parseAllDocuments(readFileSync(join(root, 'deploy/k8s/base', file), 'utf8')).map(
      (doc) => doc.toJS() as { kind: string; spec?: { template?: { spec?: { containers: Container[] } } } },
    );
  interface Container {
    env?: Array<{
      name: string;
      value?: string;
      valueFrom?: { secretKeyRef?: { name: string; key: string } };
    }>;
  }
  const envOf = (file: string) =>
    manifest(file).find((doc) => doc.kind === 'Deployment' || doc.kind === 'StatefulSet')?.spec?.template
      ?.spec?.containers[0].env ?? [];
  for (const identity of BUS_IDENTITIES) {
    expect(
      envOf('nats.yaml').find((e) => e.name === passwordVariableOf(identity))?.valueFrom?.secretKeyRef,
    ).toEqual({ name: 'iso20000-nats', key: identity });
    // the operator tools' identity is no Deployment of its own
    if (identity === 'operator') continue;
    const env = envOf(`${identity}.yaml`);
    expect(env.find((e) => e.name === 'NATS_USER')?.value).toBe(identity);
    expect(env.find((e) => e.name === 'NATS_PASSWORD')?.valueFrom?.secretKeyRef).toEqual({
      name: 'iso20000-nats',
      key: identity,
    });
  }
});

it.each(['base/nats.conf', 'overlays/ha/nats.conf'])(
  'is included by %s, which nats-server accepts',
  (file) => {
    const dir = mkdtempSync(join(tmpdir(), 'k8s-nats-conf-'));
    try {
      copyFileSync(join(root, 'deploy/k8s', file), join(dir, 'nats.conf'));
      copyFileSync(join(root, 'deploy/k8s/base/nats-auth.conf'), join(dir, 'nats-auth.conf'));
      const env = {
        ...process.env,
        POD_NAME: 'nats-0',
        ...Object.fromEntries(
          BUS_IDENTITIES.map((identity) => [passwordVariableOf(identity), 'from-the-secret']),
        ),
      };
      const result = spawnSync(NATS_SERVER, ['-t', '-c', join(dir, 'nats.conf')], { env, encoding: 'utf8' });
      expect(`${result.stdout}${result.stderr}`).toMatch(/is valid/);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  },
);

describe('a nats-server loading it', () => {
  const passwords = Object.fromEntries(
    // nats-server reads `$NATS_PASSWORD_X` as a config value: a password must start with a letter and
    // hold letters and digits only (one starting with '-' or reading as a number fails to load)
    BUS_IDENTITIES.map((identity) => [identity, `p${randomBytes(18).toString('hex')}`]),
  ) as Record<BusIdentity, string>;
  let server: LocalNatsServer;
  beforeAll(async () => {
    server = await LocalNatsServer.start({
      // the server's environment, as the StatefulSet fills it from the Secret
      env: Object.fromEntries(
        BUS_IDENTITIES.map((identity) => [passwordVariableOf(identity), passwords[identity]]),
      ),
      config: (port, storeDir) =>
        `host: 127.0.0.1\nport: ${port}\njetstream { store_dir: "${storeDir}" }\n${committed}`,
    });
  });

  afterAll(async () => {
    await server?.dispose();
  });

  const connectAs = (identity: BusIdentity, password = passwords[identity]) =>
    connectNats(server.url, identity, {
      user: identity,
      pass: password,
      inboxPrefix: `_INBOX_${identity}`,
      maxReconnectAttempts: 0,
    });

  it('takes each process with its password only', async () => {
    await expect(connectAs('exam', 'guessed')).rejects.toThrow(/authorization/i);
    await expect(connectNats(server.url, 'anonymous', { maxReconnectAttempts: 0 })).rejects.toThrow(
      /authorization/i,
    );
  });

  it('lets exam publish exam.sitting.released and not the registry', async () => {
    const exam = await connectAs('exam');
    const registry = await connectAs('registry');
    try {
      await (await exam.jetstreamManager()).streams.add({ name: 'EXAM', subjects: ['exam.>'] });
      await expect(
        registry.jetstream().publish('exam.sitting.released', '{}', { timeout: 1500 }),
      ).rejects.toThrow();
      expect((await exam.jetstream().publish('exam.sitting.released', '{}')).seq).toBe(1);
    } finally {
      await Promise.all([exam.close(), registry.close()]);
    }
  });
});
