import 'reflect-metadata';
import { createHash, generateKeyPairSync, randomUUID } from 'node:crypto';
import { PassThrough } from 'node:stream';
import { parseArgs } from 'node:util';
import type { Viewer } from '@iso20000/auth';
import { connectNats, ensureStreams, removeStreams } from '@iso20000/events';
import { RCB_ACTIVE_STATUS } from '@iso20000/scheme';
import { createLogger, loadConfig, openDataSource } from '@iso20000/service-kit';
import { registryServiceConfig } from '../config';
import { entities, migrations } from '../data-source';
import { addDays, todayUtc } from '../domain/calendar-date';
import { buildService } from '../server';
import ExcelJS from 'exceljs';

/**
 * The upload benchmark's measuring half (tools/bench/src/registry-upload.ts runs it in a process of
 * its own against a fresh database): the registry service in process with real PostgreSQL and NATS,
 * a CSV (or XLSX, --format xlsx) of N rows sent through the GraphQL mutations in 1 MiB chunks, the upload worker processing
 * it as in production (its own interval), progress polled through the graph. Prints one JSON line:
 * rows, bytes, seconds to receive and to process, rows/s, and the process's peak memory (RSS and
 * heap sampled every 50 ms; the baseline before the upload).
 */

const { values } = parseArgs({
  options: {
    'database-url': { type: 'string' },
    'nats-url': { type: 'string', default: process.env.NATS_URL ?? 'nats://127.0.0.1:4222' },
    rows: { type: 'string', default: '100000' },
    'dry-run': { type: 'boolean', default: false },
    format: { type: 'string', default: 'csv' },
  },
});

const START = `mutation($input: StartCertificationUploadInput!) { startCertificationUpload(input: $input) { id } }`;
const CHUNK = `mutation($id: ID!, $index: Int!, $data: String!) { appendCertificationUploadChunk(uploadId: $id, index: $index, data: $data) { receivedBytes } }`;
const SUBMIT = `mutation($id: ID!) { submitCertificationUpload(uploadId: $id) { status } }`;
const READ = `query($id: ID!) { certificationUpload(id: $id) { status rowsProcessed progress created updated unchanged rejected error resultFileParts } }`;

const HEADER = [
  'certificateNumber',
  'legalName',
  'country',
  'addressLines',
  'city',
  'publicListing',
  'scope',
  'cycleStart',
];

/** The required columns only: a 100,000-row file stays under the 20 MB limit. */
function benchRow(i: number, run: string, cycleStart: string): string[] {
  return [
    `B-${run}-${i}`,
    `Bench Services ${i} Ltd`,
    'GB',
    `${i} Bench Street`,
    'Leeds',
    'true',
    'Managed IT services',
    cycleStart,
  ];
}

function csvFile(rows: number, run: string): Buffer {
  const cycleStart = addDays(todayUtc(), -30);
  const lines = [HEADER.join(',')];
  for (let i = 0; i < rows; i++) lines.push(benchRow(i, run, cycleStart).join(','));
  return Buffer.from(`${lines.join('\r\n')}\r\n`, 'utf8');
}

/** The same rows as an XLSX workbook (one worksheet, cells as text), written by exceljs's streaming writer. */
async function xlsxFile(rows: number, run: string): Promise<Buffer> {
  const cycleStart = addDays(todayUtc(), -30);
  const out = new PassThrough();
  const parts: Buffer[] = [];
  out.on('data', (part: Buffer) => parts.push(part));
  const workbook = new ExcelJS.stream.xlsx.WorkbookWriter({
    stream: out,
    useSharedStrings: false,
    useStyles: false,
  });
  const sheet = workbook.addWorksheet('certifications');
  sheet.addRow(HEADER).commit();
  for (let i = 0; i < rows; i++) sheet.addRow(benchRow(i, run, cycleStart)).commit();
  sheet.commit();
  await workbook.commit();
  return Buffer.concat(parts);
}

async function main(): Promise<void> {
  const logger = createLogger('registry-upload-bench', process.env.LOG_LEVEL ?? 'warn');
  const url = values['database-url'];
  if (!url) throw new Error('--database-url is required');
  const dataSource = await openDataSource({ url, entities, migrations, logger, poolSize: 20 });
  const nc = await connectNats(values['nats-url'] as string, 'registry-upload-bench');
  const namespace = `upbench${Date.now().toString(36)}`;
  await ensureStreams(nc, namespace);
  const config = loadConfig(registryServiceConfig, {
    NODE_ENV: 'production',
    PORT: '0',
    DATABASE_URL: url,
    EVENTS_NAMESPACE: namespace,
    AUTH_JWKS_URL: 'http://127.0.0.1:1/unused',
    REGISTRY_EXPIRY_INTERVAL_MS: '3600000',
    REGISTRY_UPLOAD_INTERVAL_MS: '200',
    LOG_LEVEL: 'warn',
    // production requires the registry's signing key (its signed verification records): a throwaway one
    REGISTRY_SIGNING_KEY: JSON.stringify(generateKeyPairSync('ed25519').privateKey.export({ format: 'jwk' })),
  });
  const rcbId = randomUUID();
  // the RCB as accreditation's event would have recorded it: appointed
  await dataSource.query(
    `INSERT INTO rcb (id, name, status, status_reason, status_changed_at) VALUES ($1, 'Bench Upload RCB', $2, NULL, now())`,
    [rcbId, RCB_ACTIVE_STATUS],
  );
  const viewer: Viewer = {
    role: 'rcb_integration',
    subject: `credential:${randomUUID()}`,
    rcbId,
    credentialId: randomUUID(),
  };
  const service = await buildService({
    dataSource,
    nc,
    namespace,
    logger,
    config,
    authenticator: { authenticate: async () => viewer },
  });
  await service.start();
  const run = async <T>(query: string, variables: Record<string, unknown>): Promise<T> => {
    const response = await service.apollo.executeOperation(
      { query, variables },
      { contextValue: service.contextFor({ requestId: randomUUID(), viewer, logger }) },
    );
    if (response.body.kind !== 'single') throw new Error('unexpected incremental response');
    const { data, errors } = response.body.singleResult;
    if (errors?.length) throw new Error(JSON.stringify(errors));
    return data as T;
  };

  try {
    const rows = Number(values.rows);
    const format = values.format === 'xlsx' ? 'XLSX' : 'CSV';
    let file: Buffer | null =
      format === 'XLSX'
        ? await xlsxFile(rows, Date.now().toString(36))
        : csvFile(rows, Date.now().toString(36));
    const bytes = file.length;
    const sha256 = createHash('sha256').update(file).digest('hex');
    const chunks: string[] = [];
    for (let offset = 0; offset < bytes; offset += 1024 * 1024)
      chunks.push(file.subarray(offset, offset + 1024 * 1024).toString('base64'));
    file = null; // the bench's copy of the file is not the service's memory
    global.gc?.();
    const baseline = process.memoryUsage();
    const peak = { rss: baseline.rss, heapUsed: baseline.heapUsed };
    const sampler = setInterval(() => {
      const m = process.memoryUsage();
      peak.rss = Math.max(peak.rss, m.rss);
      peak.heapUsed = Math.max(peak.heapUsed, m.heapUsed);
    }, 50);

    const received = process.hrtime.bigint();
    const { startCertificationUpload } = await run<{ startCertificationUpload: { id: string } }>(START, {
      input: {
        fileName: `bench.${format.toLowerCase()}`,
        format,
        sizeBytes: bytes,
        sha256,
        dryRun: values['dry-run'],
      },
    });
    const id = startCertificationUpload.id;
    for (const [index, data] of chunks.entries()) await run(CHUNK, { id, index, data });
    chunks.length = 0;
    await run(SUBMIT, { id });
    const queued = process.hrtime.bigint();
    type Progress = {
      status: string;
      rowsProcessed: number;
      created: number;
      updated: number;
      unchanged: number;
      rejected: number;
      error: string | null;
    };
    let state: Progress;
    for (;;) {
      state = (await run<{ certificationUpload: Progress }>(READ, { id })).certificationUpload;
      if (state.status === 'DONE' || state.status === 'FAILED') break;
      await new Promise((resolve) => setTimeout(resolve, 250));
    }
    const finished = process.hrtime.bigint();
    clearInterval(sampler);
    const receiveSeconds = Number(queued - received) / 1e9;
    const processSeconds = Number(finished - queued) / 1e9;
    const mb = (n: number) => Math.round((n / 1024 / 1024) * 10) / 10;
    console.log(
      JSON.stringify({
        format,
        rows,
        bytes,
        chunks: Math.ceil(bytes / (1024 * 1024)),
        dryRun: values['dry-run'],
        status: state.status,
        error: state.error,
        created: state.created,
        updated: state.updated,
        unchanged: state.unchanged,
        rejected: state.rejected,
        receiveSeconds: Math.round(receiveSeconds * 100) / 100,
        processSeconds: Math.round(processSeconds * 100) / 100,
        rowsPerSecond: Math.round(state.rowsProcessed / processSeconds),
        memoryBaselineMb: { rss: mb(baseline.rss), heapUsed: mb(baseline.heapUsed) },
        memoryPeakMb: { rss: mb(peak.rss), heapUsed: mb(peak.heapUsed) },
      }),
    );
  } finally {
    await service.stop();
    await removeStreams(nc, namespace).catch(() => undefined);
    await nc.close();
    await dataSource.destroy();
  }
}

main().then(
  () => process.exit(0),
  (err: unknown) => {
    console.error(err);
    process.exit(1);
  },
);
