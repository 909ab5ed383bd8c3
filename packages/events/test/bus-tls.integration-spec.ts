import { execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { busServerConfig, connectNats, natsAuthOptionsFrom } from '../src';
import { LocalNatsServer } from '@iso20000/testing';

// Where the network is not trusted, processes reach NATS over TLS and check its certificate
// against the CA they are given (NATS_TLS_CA_FILE).
describe('NATS over TLS', () => {
  const dir = mkdtempSync(join(tmpdir(), 'bus-tls-'));
  const file = (name: string) => join(dir, name);
  let server: LocalNatsServer;

  beforeAll(async () => {
    const openssl = (...args: string[]) => execFileSync('openssl', args, { stdio: 'pipe' });
    openssl(
      'req',
      '-x509',
      '-newkey',
      'rsa:2048',
      '-nodes',
      '-days',
      '1',
      '-subj',
      '/CN=test bus CA',
      '-keyout',
      file('ca.key'),
      '-out',
      file('ca.pem'),
    );
    writeFileSync(file('san.ext'), 'subjectAltName=DNS:localhost,IP:127.0.0.1\n');
    openssl(
      'req',
      '-newkey',
      'rsa:2048',
      '-nodes',
      '-subj',
      '/CN=nats',
      '-keyout',
      file('server.key'),
      '-out',
      file('server.csr'),
    );
    openssl(
      'x509',
      '-req',
      '-in',
      file('server.csr'),
      '-CA',
      file('ca.pem'),
      '-CAkey',
      file('ca.key'),
      '-CAcreateserial',
      '-days',
      '1',
      '-extfile',
      file('san.ext'),
      '-out',
      file('server.pem'),
    );
    server = await LocalNatsServer.start({
      config: (port, storeDir) =>
        busServerConfig({
          users: [{ identity: 'exam', user: 'exam', password: 'exam-password' }],
          host: '127.0.0.1',
          port,
          storeDir,
          tls: { certFile: file('server.pem'), keyFile: file('server.key') },
        }),
    });
  }, 30_000);

  afterAll(async () => {
    await server?.dispose();
    rmSync(dir, { recursive: true, force: true });
  });

  const url = () => `tls://127.0.0.1:${server.port}`;

  it('connects when the CA is given', async () => {
    const nc = await connectNats(url(), 'exam', {
      ...natsAuthOptionsFrom({
        NATS_USER: 'exam',
        NATS_PASSWORD: 'exam-password',
        NATS_TLS_CA_FILE: file('ca.pem'),
      }),
      maxReconnectAttempts: 0,
    });
    expect(nc.info?.tls_required).toBe(true);
    await nc.close();
  });

  it('refuses a server it cannot verify', async () => {
    await expect(
      connectNats(url(), 'exam', {
        ...natsAuthOptionsFrom({ NATS_USER: 'exam', NATS_PASSWORD: 'exam-password' }),
        tls: {},
        maxReconnectAttempts: 0,
      }),
    ).rejects.toThrow(/certificate/i);
  });
});
