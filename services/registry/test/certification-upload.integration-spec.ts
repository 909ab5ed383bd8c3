import { createHash, randomUUID } from 'node:crypto';
import fs from 'node:fs';
import { tmpdir } from 'node:os';
import { PassThrough } from 'node:stream';
import { errorCodes, viewers } from '@iso20000/testing';
import ExcelJS from 'exceljs';
import { processCertificationUploads } from '../src/commands/process-certification-uploads';
import { todayUtc } from '../src/domain/calendar-date';
import { UPLOAD_COLUMN_NAMES } from '../src/domain/upload-rows';
import { isoDaysFromToday, startHarness, type Harness } from './harness';

let h: Harness;
const rcb = randomUUID();
const asRcb = viewers.rcbIntegration(rcb);
const asOther = viewers.rcbIntegration(randomUUID());

beforeAll(async () => {
  h = await startHarness();
  await h.setRcbStatus(rcb, 'APPOINTED', 'Upload Certification');
});
afterAll(() => h?.close());

const UPLOAD_FIELDS = `id status format dryRun sizeBytes receivedBytes chunkCount rowsProcessed progress created updated unchanged rejected error`;
const START = `mutation($input: StartCertificationUploadInput!) { startCertificationUpload(input: $input) { ${UPLOAD_FIELDS} } }`;
const CHUNK = `mutation($id: ID!, $index: Int!, $data: String!) { appendCertificationUploadChunk(uploadId: $id, index: $index, data: $data) { ${UPLOAD_FIELDS} } }`;
const SUBMIT = `mutation($id: ID!) { submitCertificationUpload(uploadId: $id) { ${UPLOAD_FIELDS} } }`;
const READ = `query($id: ID!, $outcome: UpsertCertificationOutcome) { certificationUpload(id: $id) { ${UPLOAD_FIELDS}
  results(outcome: $outcome, first: 100) { edges { node { row certificateNumber outcome errorCode reasons certification { id certificateNumber } } } }
  resultFileParts resultFile(part: 0) } }`;
const TEMPLATE = `query($format: CertificationUploadFormat!) { certificationUploadTemplate(format: $format) { fileName contentType base64 columns { name required description example } } }`;

interface Upload {
  id: string;
  status: string;
  rowsProcessed: number;
  progress: number;
  created: number;
  updated: number;
  unchanged: number;
  rejected: number;
  error: string | null;
  results: {
    edges: {
      node: {
        row: number;
        certificateNumber: string;
        outcome: string;
        errorCode: string | null;
        reasons: string[];
        certification: { id: string } | null;
      };
    }[];
  };
  resultFileParts: number;
  resultFile: string;
}

const header = UPLOAD_COLUMN_NAMES;
function row(number: string, overrides: Record<string, string> = {}): Record<string, string> {
  return {
    certificateNumber: number,
    legalName: `Uploaded Services ${number} Ltd`,
    otherNames: 'Uploaded IT',
    country: 'GB',
    addressLines: '1 Upload Street|Floor 2',
    city: 'Leeds',
    postalCode: 'LS1 1AA',
    addressCountry: '',
    publicListing: 'true',
    standard: '',
    scope: 'Managed IT services, "end to end", incl. cloud',
    sites: '',
    originalIssueDate: '',
    cycleStart: isoDaysFromToday(-20),
    expiry: '',
    surveillanceAudits: '',
    status: '',
    statusReason: '',
    suspendedUntil: '',
    expectedVersion: '',
    ...overrides,
  };
}
const csvField = (v: string) => (/[",\r\n]/.test(v) ? `"${v.replace(/"/g, '""')}"` : v);
const csv = (rows: Record<string, string>[], columns: readonly string[] = header) =>
  [columns.join(','), ...rows.map((r) => columns.map((c) => csvField(r[c] ?? '')).join(','))].join('\r\n') +
  '\r\n';

async function upload(
  file: Buffer,
  format: 'CSV' | 'XLSX',
  options: { dryRun?: boolean; chunk?: number; sha256?: string } = {},
) {
  const started = await h.ok<{ startCertificationUpload: { id: string } }>(asRcb, START, {
    input: {
      fileName: `certifications.${format.toLowerCase()}`,
      format,
      sizeBytes: file.length,
      sha256: options.sha256 ?? createHash('sha256').update(file).digest('hex'),
      dryRun: options.dryRun ?? false,
    },
  });
  const id = started.startCertificationUpload.id;
  const size = options.chunk ?? 1024 * 1024;
  for (let index = 0; index * size < file.length; index++)
    await h.ok(asRcb, CHUNK, {
      id,
      index,
      data: file.subarray(index * size, (index + 1) * size).toString('base64'),
    });
  return id;
}

const work = (maxRows?: number) =>
  processCertificationUploads(
    {
      dataSource: h.db.dataSource,
      now: new Date(),
      today: todayUtc(),
      rcbStatusCopy: { assertCurrent: async () => undefined },
    },
    { batchRows: 2, maxRows },
  );

async function read(id: string, outcome?: string): Promise<Upload> {
  return (await h.ok<{ certificationUpload: Upload }>(asRcb, READ, { id, outcome })).certificationUpload;
}

describe('the template', () => {
  it('documents every column and opens as CSV and as XLSX', async () => {
    const t = await h.ok<{
      certificationUploadTemplate: { base64: string; columns: { name: string; required: boolean }[] };
    }>(viewers.public, TEMPLATE, { format: 'CSV' });
    const text = Buffer.from(t.certificationUploadTemplate.base64, 'base64').toString('utf8');
    expect(text.split('\r\n')[0]).toBe(header.join(','));
    expect(t.certificationUploadTemplate.columns.filter((c) => c.required).map((c) => c.name)).toEqual(
      expect.arrayContaining(['certificateNumber', 'legalName', 'cycleStart', 'scope']),
    );
    const x = await h.ok<{ certificationUploadTemplate: { base64: string; contentType: string } }>(
      viewers.public,
      TEMPLATE,
      { format: 'XLSX' },
    );
    const workbook = new ExcelJS.Workbook();
    await workbook.xlsx.load(
      Buffer.from(x.certificationUploadTemplate.base64, 'base64') as unknown as ArrayBuffer,
    );
    expect((workbook.worksheets[0].getRow(1).values as string[]).slice(1)).toEqual([...header]);
  });
});

describe('a CSV upload', () => {
  const prefix = `U-${randomUUID().slice(0, 6)}`;
  const file = Buffer.from(
    csv([
      row(`${prefix}-1`),
      row(`${prefix}-2`, { country: 'XX' }),
      row(`${prefix}-3`, {
        status: 'SUSPENDED',
        statusReason: 'major nonconformity',
        suspendedUntil: isoDaysFromToday(60),
      }),
      row(`${prefix}-1`, { scope: 'again' }),
      row(`${prefix}-4`, { cycleStart: '2026-02-30' }),
      row(`${prefix}-5`, {
        sites:
          '[{"address":{"lines":["2 Site Road"],"city":"York","postalCode":null,"country":"GB"},"scope":"Data centre"}]',
      }),
    ]),
  );

  it('a dry run reports per row and writes nothing', async () => {
    const id = await upload(file, 'CSV', { dryRun: true, chunk: 300 });
    await h.ok(asRcb, SUBMIT, { id });
    await work();
    const done = await read(id);
    expect(done).toMatchObject({ status: 'DONE', rowsProcessed: 6, created: 3, rejected: 3, progress: 1 });
    const [{ count }] = (await h.db.dataSource.query(
      `SELECT count(*)::int AS count FROM organization_certification WHERE certificate_number LIKE $1`,
      [`${prefix}-%`],
    )) as { count: number }[];
    expect(count).toBe(0);
  });

  it('is received in chunks, queued, processed with upsert semantics per row, with a result file', async () => {
    const id = await upload(file, 'CSV', { chunk: 250 });
    const submitted = await h.ok<{ submitCertificationUpload: { status: string } }>(asRcb, SUBMIT, { id });
    expect(submitted.submitCertificationUpload.status).toBe('QUEUED');
    expect((await read(id)).progress).toBe(0);
    await work();
    const done = await read(id);
    expect(done).toMatchObject({
      status: 'DONE',
      rowsProcessed: 6,
      created: 3,
      updated: 0,
      unchanged: 0,
      rejected: 3,
      error: null,
    });
    const byRow = new Map(done.results.edges.map((e) => [e.node.row, e.node]));
    expect(byRow.get(1)).toMatchObject({
      outcome: 'CREATED',
      certification: { certificateNumber: `${prefix}-1` },
    });
    expect(byRow.get(2)).toMatchObject({ outcome: 'REJECTED', errorCode: 'BAD_USER_INPUT' });
    expect(byRow.get(2)?.reasons[0]).toContain('row 2.organization.country');
    expect(byRow.get(3)).toMatchObject({ outcome: 'CREATED' });
    expect(byRow.get(4)?.reasons[0]).toContain('appears more than once in this file (first at row 1)');
    expect(byRow.get(5)?.reasons[0]).toContain('cycleStart');
    expect(byRow.get(6)).toMatchObject({ outcome: 'CREATED' });
    const rejected = await read(id, 'REJECTED');
    expect(rejected.results.edges.map((e) => e.node.row)).toEqual([2, 4, 5]);
    const lines = done.resultFile.trim().split('\r\n');
    expect(lines[0]).toBe('row,certificateNumber,outcome,errorCode,reasons,certificationId,changedFields');
    expect(lines).toHaveLength(7);
    expect(lines[1]).toMatch(new RegExp(`^1,${prefix}-1,CREATED,,`));

    const [suspended] = (await h.db.dataSource.query(
      `SELECT status, sites FROM organization_certification WHERE rcb_id = $1 AND certificate_number = $2`,
      [rcb, `${prefix}-3`],
    )) as { status: string }[];
    expect(suspended.status).toBe('SUSPENDED');
  });

  it('uploaded again, changes nothing: every valid row is UNCHANGED', async () => {
    const id = await upload(file, 'CSV');
    await h.ok(asRcb, SUBMIT, { id });
    await work();
    expect(await read(id)).toMatchObject({
      status: 'DONE',
      created: 0,
      updated: 0,
      unchanged: 3,
      rejected: 3,
    });
  });
});

describe('an XLSX upload', () => {
  it('is read as a stream, dates and numbers in cells included', async () => {
    const prefix = `X-${randomUUID().slice(0, 6)}`;
    const workbook = new ExcelJS.Workbook();
    const sheet = workbook.addWorksheet('certifications');
    sheet.addRow([...header]);
    for (const number of [`${prefix}-1`, `${prefix}-2`]) {
      const values = row(number);
      sheet.addRow(
        header.map((c) => (c === 'cycleStart' ? new Date(`${values.cycleStart}T00:00:00Z`) : values[c])),
      );
    }
    const file = Buffer.from(await workbook.xlsx.writeBuffer());
    const id = await upload(file, 'XLSX', { chunk: 4000 });
    await h.ok(asRcb, SUBMIT, { id });
    await work();
    const done = await read(id);
    expect(done.results.edges.map((e) => e.node.reasons)).toEqual([[], []]);
    expect(done).toMatchObject({ status: 'DONE', rowsProcessed: 2, created: 2, rejected: 0 });
  });
});

describe('an XLSX upload as Excel writes it (the shared strings after the worksheet)', () => {
  it('streams the worksheet itself: nothing is copied to a temporary file', async () => {
    const prefix = `XS-${randomUUID().slice(0, 6)}`;
    const parts: Buffer[] = [];
    const out = new PassThrough().on('data', (part: Buffer) => parts.push(part));
    const workbook = new ExcelJS.stream.xlsx.WorkbookWriter({ stream: out, useSharedStrings: true });
    const sheet = workbook.addWorksheet('certifications');
    sheet.addRow([...header]).commit();
    for (let i = 1; i <= 3; i++) sheet.addRow(header.map((c) => row(`${prefix}-${i}`)[c])).commit();
    sheet.commit();
    await workbook.commit();
    const file = Buffer.concat(parts);
    const order = file.toString('latin1');
    expect(order.indexOf('xl/worksheets/sheet1.xml')).toBeLessThan(order.indexOf('xl/sharedStrings.xml'));
    const id = await upload(file, 'XLSX');
    await h.ok(asRcb, SUBMIT, { id });
    // what exceljs would copy goes to a file it writes in os.tmpdir()
    const writes = jest.spyOn(fs, 'createWriteStream');
    try {
      await work();
      expect(writes.mock.calls.map(([path]) => String(path))).not.toContainEqual(
        expect.stringContaining(tmpdir()),
      );
    } finally {
      writes.mockRestore();
    }
    const done = await read(id);
    expect(done).toMatchObject({ status: 'DONE', rowsProcessed: 3, created: 3, rejected: 0 });
    expect(done.results.edges.map((e) => e.node.certificateNumber)).toEqual([
      `${prefix}-1`,
      `${prefix}-2`,
      `${prefix}-3`,
    ]);
  });
});

describe('receiving the file', () => {
  it('refuses a file that is not what was declared, another RCB’s upload, and oversize', async () => {
    const file = Buffer.from(csv([row(`R-${randomUUID().slice(0, 6)}`)]));
    const id = await upload(file, 'CSV', { sha256: 'a'.repeat(64), chunk: 100 });
    const refused = await h.as(asRcb, SUBMIT, { id });
    expect(errorCodes(refused)).toEqual(['CONFLICT']);
    expect(refused.errors?.[0].message).toContain('sha256');
    // a retried chunk is harmless; other data at its index is not
    expect(
      (await h.as(asRcb, CHUNK, { id, index: 0, data: file.subarray(0, 100).toString('base64') })).errors,
    ).toBeUndefined();
    expect(
      errorCodes(await h.as(asRcb, CHUNK, { id, index: 0, data: Buffer.from('other').toString('base64') })),
    ).toEqual(['CONFLICT']);
    expect(errorCodes(await h.as(asOther, CHUNK, { id, index: 5, data: 'AAAA' }))).toEqual(['NOT_FOUND']);
    expect(
      (await h.ok<{ certificationUpload: unknown }>(asOther, READ, { id })).certificationUpload,
    ).toBeNull();
    const big = await h.as(asRcb, START, {
      input: { fileName: 'big.csv', format: 'CSV', sizeBytes: 20 * 1024 * 1024 + 1, sha256: 'a'.repeat(64) },
    });
    expect(errorCodes(big)).toEqual(['BAD_USER_INPUT']);
    // missing chunks are named before anything is processed
    const partial = await h.ok<{ startCertificationUpload: { id: string } }>(asRcb, START, {
      input: { fileName: 'p.csv', format: 'CSV', sizeBytes: 500, sha256: 'b'.repeat(64) },
    });
    expect(errorCodes(await h.as(asRcb, SUBMIT, { id: partial.startCertificationUpload.id }))).toEqual([
      'CONFLICT',
    ]);
  });

  it('fails a file with wrong columns, and one over the row limit after processing the rows within it', async () => {
    const wrong = Buffer.from('certificateNumber,legalName,colour\r\nA-1,Acme,blue\r\n');
    const id = await upload(wrong, 'CSV');
    await h.ok(asRcb, SUBMIT, { id });
    await work();
    const failed = await read(id);
    expect(failed.status).toBe('FAILED');
    expect(failed.error).toContain('unknown column(s) colour');

    const prefix = `L-${randomUUID().slice(0, 6)}`;
    const long = Buffer.from(csv([1, 2, 3, 4].map((i) => row(`${prefix}-${i}`))));
    const limited = await upload(long, 'CSV');
    await h.ok(asRcb, SUBMIT, { id: limited });
    await work(3);
    expect(await read(limited)).toMatchObject({ status: 'FAILED', rowsProcessed: 3, created: 3 });
    expect((await read(limited)).error).toContain('more than 3 rows');
  });
});
