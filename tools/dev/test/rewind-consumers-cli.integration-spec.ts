import { execFile } from 'node:child_process';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { AckPolicy, type NatsConnection } from 'nats';
import { ensureStreams, removeStreams, streamNameFor, wireSubject } from '@iso20000/events';
import { connectTestNats, testNamespace, testNatsUrl } from '@iso20000/testing';
import { workspaceRoot } from '../src/infrastructure';

const run = promisify(execFile);

describe('npm run rewind-consumers', () => {
  const namespace = testNamespace();
  let nc: NatsConnection;

  beforeAll(async () => {
    nc = await connectTestNats();
    await ensureStreams(nc, namespace);
  });

  afterAll(async () => {
    await removeStreams(nc, namespace);
    await nc.close();
  });

  it("deletes the restored service's durable consumers on every stream and no one else's", async () => {
    const jsm = await nc.jetstreamManager();
    const exam = streamNameFor('exam.sitting.released', namespace);
    const accreditation = streamNameFor('accreditation.ato.status-changed', namespace);
    const add = (stream: string, durable: string, subject: string) =>
      jsm.consumers.add(stream, {
        durable_name: durable,
        ack_policy: AckPolicy.Explicit,
        filter_subject: wireSubject(subject, namespace),
      });
    await add(exam, 'certificate-issue-on-release', 'exam.sitting.released');
    await add(
      accreditation,
      'certificate-ato-delivery-preference',
      'accreditation.ato.delivery-preference-changed',
    );
    await add(accreditation, 'exam-ato-status', 'accreditation.ato.status-changed');

    const { stdout } = await run(
      process.execPath,
      [
        join(workspaceRoot, 'tools/dev/bin/run-ts.mjs'),
        join(workspaceRoot, 'tools/dev/src/rewind-consumers.ts'),
        '--service',
        'certificate',
      ],
      { env: { ...process.env, NATS_URL: testNatsUrl(), EVENTS_NAMESPACE: namespace }, timeout: 60_000 },
    );
    expect(stdout).toContain(`rewound ${exam}/certificate-issue-on-release`);
    expect(stdout).toContain(`rewound ${accreditation}/certificate-ato-delivery-preference`);
    const names = async (stream: string) => {
      const found: string[] = [];
      for await (const consumer of jsm.consumers.list(stream)) found.push(consumer.config.durable_name ?? '');
      return found;
    };
    expect([await names(exam), await names(accreditation)]).toEqual([[], ['exam-ato-status']]);
    await expect(
      run(process.execPath, [
        join(workspaceRoot, 'tools/dev/bin/run-ts.mjs'),
        join(workspaceRoot, 'tools/dev/src/rewind-consumers.ts'),
        '--service',
        'nowhere',
      ]),
    ).rejects.toMatchObject({ code: 1 });
  }, 60_000);
});
