import { mkdtempSync, readFileSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { connectNats } from '@iso20000/events';
import { LocalNatsServer } from '@iso20000/testing';
import { ensureBusCredentials, writeBusServerConfig } from '../src/bus-credentials';

describe("npm start's event bus users", () => {
  const dir = mkdtempSync(join(tmpdir(), 'dev-bus-'));
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it('are generated once, private to the owner, and kept across starts', () => {
    const first = ensureBusCredentials(dir);
    expect(Object.keys(first).sort()).toEqual([
      'accreditation',
      'certificate',
      'exam',
      'gateway',
      'notifications',
      'operator',
      'registry',
    ]);
    expect(statSync(join(dir, 'users.json')).mode & 0o077).toBe(0);
    expect(ensureBusCredentials(dir)).toEqual(first);
    expect(first.exam.password).not.toEqual(first.registry.password);
  });

  it('configure a nats-server that takes each process as itself and nobody anonymously', async () => {
    const credentials = ensureBusCredentials(dir);
    const server = await LocalNatsServer.start({
      config: (port, storeDir) =>
        readFileSync(writeBusServerConfig(dir, credentials, { host: '127.0.0.1', port, storeDir }), 'utf8'),
    });
    try {
      await expect(connectNats(server.url, 'anonymous', { maxReconnectAttempts: 0 })).rejects.toThrow(
        /authorization/i,
      );
      const exam = await connectNats(server.url, 'exam', {
        user: credentials.exam.user,
        pass: credentials.exam.password,
        inboxPrefix: '_INBOX_exam',
        maxReconnectAttempts: 0,
      });
      const ack = await exam.jetstream().jetstreamManager();
      await ack.streams.add({ name: 'EXAM', subjects: ['exam.>'] });
      expect((await exam.jetstream().publish('exam.sitting.released', '{}')).stream).toBe('EXAM');
      await exam.close();
    } finally {
      await server.dispose();
    }
  });
});
