import { execFile } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import {
  ensureStreams,
  EventConsumer,
  eventsEntities,
  Events,
  eventsMigrations,
  removeStreams,
  rewindConsumers,
  type EventConsumerControl,
} from '@iso20000/events';
import { createDataSource } from '@iso20000/service-kit';
import {
  connectTestNats,
  createTestDatabase,
  eventually,
  publishEvent,
  testNamespace,
  type TestDatabase,
} from '@iso20000/testing';
import { Client } from 'pg';
import type { NatsConnection } from 'nats';
import type { DataSource } from 'typeorm';
import { loadCertificateConfig } from '../src/config';
import { entities, migrations } from '../src/data-source';
import { buildService, type CertificateService } from '../src/server';
import { logger, release, testEnv } from './certificate-test-harness';

const run = promisify(execFile);

// docs/operations.md's restore of one service's database, on real PostgreSQL (pg_dump / pg_restore)
// and NATS: the certificate database goes back to before an issuance, its consumers are rewound, and
// the system converges: the sitting has its one certificate again, with the id and number the other
// services and the holder already have, and downstream nothing is counted twice.
describe('restoring the certificate database from a backup', () => {
  const namespace = testNamespace('rest');
  let nc: NatsConnection;
  let db: TestDatabase;
  let downstream: TestDatabase;
  let dataSource: DataSource;
  let service: CertificateService | undefined;
  let watcher: EventConsumerControl;
  const dumpDir = mkdtempSync(join(tmpdir(), 'certificate-backup-'));

  async function startService(): Promise<void> {
    service = await buildService({
      dataSource,
      nc,
      namespace,
      logger,
      config: loadCertificateConfig(testEnv(db.url)),
      authenticator: { authenticate: async () => ({ role: 'public', subject: null }) },
    });
    await service.start();
  }

  const certificates = async (source: DataSource) =>
    (await source.query(
      `SELECT "id", "number", "sitting_id", "status" FROM "certificate" ORDER BY "released_at"`,
    )) as {
      id: string;
      number: string;
      sitting_id: string;
      status: string;
    }[];
  const qualifications = async () =>
    (await downstream.dataSource.query(
      `SELECT "certificate_id", "number" FROM "qualification" ORDER BY "number"`,
    )) as { certificate_id: string; number: string }[];

  beforeAll(async () => {
    nc = await connectTestNats();
    await ensureStreams(nc, namespace);
    db = await createTestDatabase('certificate', { entities, migrations });
    dataSource = db.dataSource;
    // another service's copy of the certificates, kept as exam keeps its candidates' qualifications
    downstream = await createTestDatabase('restoredownstream', {
      entities: eventsEntities,
      migrations: eventsMigrations,
    });
    await downstream.dataSource.query(
      `CREATE TABLE "qualification" ("certificate_id" uuid PRIMARY KEY, "number" text NOT NULL)`,
    );
    watcher = new EventConsumer({
      dataSource: downstream.dataSource,
      nc,
      namespace,
      logger,
      durableName: 'exam-certificate-issued',
      event: Events.CertificateIssued,
      handle: async (p, { manager }) => {
        await manager.query(
          `INSERT INTO "qualification" ("certificate_id", "number") VALUES ($1, $2) ON CONFLICT DO NOTHING`,
          [p.certificateId, p.number],
        );
      },
    });
    await watcher.start();
    await startService();
  });

  afterAll(async () => {
    await service?.stop();
    await watcher?.stop();
    await removeStreams(nc, namespace).catch(() => undefined);
    await nc?.drain();
    if (dataSource !== db?.dataSource && dataSource?.isInitialized) await dataSource.destroy();
    await db?.dispose();
    await downstream?.dispose();
    rmSync(dumpDir, { recursive: true, force: true });
  });

  it('re-issues what was issued after the backup once, as the same certificate, and nothing twice downstream', async () => {
    const before = release({ candidateName: 'Before Backup' });
    await publishEvent(nc, namespace, Events.ExamSittingReleased, before);
    await eventually(async () => ((await qualifications()).length === 1 ? true : undefined), 15_000, 'first');

    const dump = join(dumpDir, 'certificate.dump');
    await run('pg_dump', ['--format=custom', `--file=${dump}`, db.url]);

    const after = release({ candidateName: 'After Backup' });
    await publishEvent(nc, namespace, Events.ExamSittingReleased, after);
    await eventually(
      async () => ((await qualifications()).length === 2 ? true : undefined),
      15_000,
      'second',
    );
    const issued = await certificates(dataSource);
    const seenDownstream = await qualifications();

    // the restore: service stopped, database replaced by the backup, consumers rewound, service started
    await service?.stop();
    service = undefined;
    await dataSource.destroy();
    const admin = new Client({ connectionString: new URL('/postgres', db.url).toString() });
    await admin.connect();
    await admin.query(`DROP DATABASE "${db.name}" WITH (FORCE)`);
    await admin.query(`CREATE DATABASE "${db.name}"`);
    await admin.end();
    await run('pg_restore', ['--no-owner', `--dbname=${db.url}`, dump]);
    dataSource = createDataSource({ url: db.url, entities, migrations, logger });
    await dataSource.initialize();
    expect((await certificates(dataSource)).map((c) => c.sitting_id)).toEqual([before.sittingId]);

    const rewound = await rewindConsumers(nc, 'certificate', namespace);
    expect(rewound).toContain(`${namespace.toUpperCase()}_EXAM/certificate-issue-on-release`);
    expect(rewound.every((name) => name.includes('/certificate-'))).toBe(true);
    await startService();

    await eventually(
      async () => ((await certificates(dataSource)).length === 2 ? true : undefined),
      15_000,
      'the re-issue',
    );
    // the relay is idle again: everything the restored outbox holds is published
    await eventually(
      async () =>
        Number(
          (await dataSource.query(`SELECT count(*) AS n FROM "outbox_event" WHERE "published_at" IS NULL`))[0]
            .n,
        ) === 0
          ? true
          : undefined,
      15_000,
      'the outbox to drain',
    );
    const restored = await certificates(dataSource);
    expect(restored).toEqual(issued);
    expect(restored.map((c) => c.status)).toEqual(['ISSUED', 'ISSUED']);
    // downstream handled the re-announced issuance and still has one row per certificate
    await new Promise((resolve) => setTimeout(resolve, 1000));
    expect(await qualifications()).toEqual(seenDownstream);
  }, 90_000);
});
