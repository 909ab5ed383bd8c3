import { Readable } from 'node:stream';
import { DomainRefusal, type Logger } from '@iso20000/service-kit';
import { parse } from 'csv-parse';
import ExcelJS from 'exceljs';
import type { DataSource, EntityManager } from 'typeorm';
import type { RcbActor } from '../access';
import { checkCertificateNumber } from '../domain/certification-lifecycle';
import { checkUploadHeader, uploadRowToRecord, type UploadRow } from '../domain/upload-rows';
import {
  CertificationUploadChunkEntity,
  CertificationUploadEntity,
  type UploadFormat,
} from '../entities/certification-upload.entity';
import type { CommandContext } from './certification-change';
import { importCertifications, type ImportInput } from './import-certifications';
import { UPLOAD_LIMITS } from './receive-certification-upload';

/** Rows per batch: one transaction each (the import's writes, the rows' results, the progress). */
export const UPLOAD_BATCH_ROWS = 1000;
/** A PROCESSING upload untouched this long lost its worker: another one takes it over and resumes. */
export const UPLOAD_LEASE_MS = 120_000;

type WorkerContext = Omit<CommandContext, 'requestId'>;

/** The file's own fault (unreadable, wrong columns, too many rows): the upload FAILS with it. */
class UploadFailed extends Error {}
/** Reading the stored chunks failed: the server's fault, retried by another pass. */
class ChunkReadFailed extends Error {}

/** The file, chunk by chunk from PostgreSQL: never whole in memory. */
function fileStream(
  dataSource: DataSource,
  upload: CertificationUploadEntity,
  progress?: { bytes: number },
): Readable {
  async function* chunks(): AsyncGenerator<Buffer> {
    for (let index = 0; index < upload.chunkCount; index++) {
      const chunk = await dataSource
        .getRepository(CertificationUploadChunkEntity)
        .findOneOrFail({ where: { uploadId: upload.id, index }, select: { data: true } })
        .catch((err: unknown) => {
          throw new ChunkReadFailed(`reading chunk ${index} of upload ${upload.id} failed`, { cause: err });
        });
      if (progress) progress.bytes += chunk.data.length;
      yield chunk.data;
    }
  }
  return Readable.from(chunks(), { objectMode: false });
}

const DATE_COLUMNS = new Set(['originalIssueDate', 'cycleStart', 'expiry', 'suspendedUntil']);

/** Excel's day number (days since 1899-12-30, the 1900 date system) as YYYY-MM-DD. */
function excelDay(serial: number): string {
  return new Date(Date.UTC(1899, 11, 30) + Math.round(serial) * 86_400_000).toISOString().slice(0, 10);
}

/** XLSX cells as text: dates as YYYY-MM-DD, rich text and hyperlinks as their text, formulas as their result. */
function cellText(value: ExcelJS.CellValue): string {
  if (value === null || value === undefined) return '';
  if (value instanceof Date) return value.toISOString().slice(0, 10);
  if (typeof value === 'object') {
    if ('richText' in value) return value.richText.map((part) => part.text).join('');
    if ('text' in value && typeof value.text === 'string') return value.text;
    if ('result' in value) return cellText((value.result ?? null) as ExcelJS.CellValue);
    if ('error' in value) return '';
  }
  return String(value);
}

/** The data rows of the file; a file that cannot be read fails as UploadFailed, naming why. */
async function* rowsOf(
  format: UploadFormat,
  file: FileOpener,
): AsyncGenerator<{ row: UploadRow; number: number }> {
  try {
    yield* readRows(format, file);
  } catch (err) {
    if (err instanceof ChunkReadFailed || err instanceof UploadFailed) throw err;
    if (err instanceof DomainRefusal) throw new UploadFailed(err.message);
    const cause = (err as { cause?: unknown }).cause;
    if (cause instanceof ChunkReadFailed) throw cause;
    throw new UploadFailed(
      `the file cannot be read as ${format}: ${err instanceof Error ? err.message : String(err)}`,
    );
  }
}

/** The file from its first byte: the progress counts what `counted` reads only. */
type FileOpener = (counted: boolean) => Readable;

/** What exceljs's WorkbookReader learns from a workbook's other parts before it streams a worksheet. */
interface WorkbookParts {
  sharedStrings?: unknown[];
  workbookRels?: unknown[];
  model?: unknown;
  properties?: unknown;
}

const XLSX_READ_OPTIONS = { sharedStrings: 'cache', hyperlinks: 'ignore', styles: 'ignore' } as const;

/** The reader as it is at run time: its parts, which its declared type does not show as such. */
type PartsReader = WorkbookParts & AsyncIterable<ExcelJS.stream.xlsx.WorksheetReader>;

const xlsxReader = (file: Readable, worksheets: 'emit' | 'ignore'): PartsReader =>
  new ExcelJS.stream.xlsx.WorkbookReader(file, {
    ...XLSX_READ_OPTIONS,
    worksheets,
  }) as unknown as PartsReader;

/**
 * The first of two passes over an XLSX: its shared strings, relationships and workbook, every
 * worksheet drained unread. exceljs streams a worksheet only once it has the shared strings; Excel
 * writes them after the worksheets, and exceljs then copies each worksheet, uncompressed (33 to 41 MB
 * for 100,000 rows of the required columns), to a temporary file first, on a /tmp the deployment caps
 * at 64 MiB. The file is in PostgreSQL: reading it twice costs a second inflate, not the disk.
 */
async function workbookParts(file: Readable): Promise<WorkbookParts> {
  const reader = xlsxReader(file, 'ignore');
  // placeholders, so a worksheet before them is drained rather than copied (the real ones replace them)
  reader.sharedStrings = [];
  reader.workbookRels = [];
  reader.model = { sheets: [] }; // read when a worksheet comes before xl/workbook.xml
  for await (const _worksheet of reader); // none is emitted
  const { sharedStrings, workbookRels, model, properties } = reader;
  return { sharedStrings, workbookRels, model, properties };
}

/** The data rows of the file, numbered from 1 under the header, as the columns name them. */
async function* readRows(
  format: UploadFormat,
  open: FileOpener,
): AsyncGenerator<{ row: UploadRow; number: number }> {
  if (format === 'CSV') {
    const parser = open(true).pipe(
      parse({
        bom: true,
        skip_empty_lines: true,
        max_record_size: 1024 * 1024,
        columns: (header: string[]) => {
          checkUploadHeader(header);
          return header.map((name) => name.trim());
        },
      }),
    );
    let number = 0;
    for await (const record of parser as AsyncIterable<UploadRow>) yield { row: record, number: ++number };
    return;
  }
  const parts = await workbookParts(open(false));
  const workbook = xlsxReader(open(true), 'emit');
  Object.assign(workbook, parts); // the worksheet streams from the zip as it is inflated
  for await (const worksheet of workbook) {
    let header: string[] | null = null;
    let number = 0;
    for await (const row of worksheet) {
      const cells = (row.values as ExcelJS.CellValue[]).slice(1);
      const values = cells.map((value, i) =>
        // a date cell read without its style is Excel's day number: the date columns take it as one
        header && DATE_COLUMNS.has(header[i]) && typeof value === 'number'
          ? excelDay(value)
          : cellText(value),
      );
      if (!header) {
        checkUploadHeader(values);
        header = values.map((name) => name.trim());
        continue;
      }
      if (values.every((value) => value.trim() === '')) continue;
      const record: UploadRow = {};
      header.forEach((name, i) => {
        if (name) record[name] = values[i] ?? '';
      });
      yield { row: record, number: ++number };
    }
    return; // the first worksheet only
  }
}

/** One row as the import takes it, or its refusal, named by its row. */
function inputOf(row: UploadRow, number: number): ImportInput {
  const field = `row ${number}`;
  const certificateNumber = (row.certificateNumber ?? '').trim();
  try {
    checkCertificateNumber(certificateNumber);
    return { certificateNumber, record: uploadRowToRecord(row), field };
  } catch (err) {
    if (err instanceof DomainRefusal)
      return { certificateNumber, refused: { code: err.code, reason: `${field}: ${err.message}` }, field };
    throw err;
  }
}

/** Takes the next queued upload (or one whose worker's lease ran out), marked PROCESSING. */
async function claimUpload(dataSource: DataSource, now: Date): Promise<CertificationUploadEntity | null> {
  const [rows] = (await dataSource.query(
    `UPDATE "certification_upload" SET "status" = 'PROCESSING', "started_at" = COALESCE("started_at", $1), "updated_at" = $1
     WHERE "id" = (SELECT "id" FROM "certification_upload"
                   WHERE "status" = 'QUEUED' OR ("status" = 'PROCESSING' AND "updated_at" < $2)
                   ORDER BY "submitted_at" LIMIT 1 FOR UPDATE SKIP LOCKED)
     RETURNING "id"`,
    [now, new Date(now.getTime() - UPLOAD_LEASE_MS)],
  )) as [{ id: string }[], number];
  if (!rows.length) return null;
  return dataSource.getRepository(CertificationUploadEntity).findOneByOrFail({ id: rows[0].id });
}

interface Pending {
  number: number;
  input: ImportInput;
}

async function writeBatch(
  ctx: WorkerContext,
  manager: EntityManager,
  upload: CertificationUploadEntity,
  batch: Pending[],
  bytes: number,
): Promise<void> {
  const actor: RcbActor = { rcbId: upload.rcbId, actor: upload.actor, idempotencyScope: upload.rcbId };
  const report = await importCertifications(
    { ...ctx, now: new Date() },
    actor,
    { records: batch.map((p) => p.input), dryRun: upload.dryRun },
    manager,
  );
  // one statement and one JSON parameter for the batch's results (not an entity per row through the ORM)
  await manager.query(
    `INSERT INTO "certification_upload_result"
       ("upload_id", "row", "certificate_number", "outcome", "error_code", "reasons", "certification_id", "changed_fields")
     SELECT $1, r."row", r."certificateNumber", r."outcome", r."errorCode", r."reasons", r."certificationId", r."changedFields"
     FROM jsonb_to_recordset($2::jsonb) AS r("row" integer, "certificateNumber" text, "outcome" text,
       "errorCode" text, "reasons" jsonb, "certificationId" uuid, "changedFields" jsonb)`,
    [
      upload.id,
      JSON.stringify(
        report.records.map((record, i) => ({
          row: batch[i].number,
          certificateNumber: record.certificateNumber,
          outcome: record.outcome,
          errorCode: record.errorCode,
          reasons: record.reasons,
          certificationId: record.certification?.id ?? null,
          changedFields: record.changedFields,
        })),
      ),
    ],
  );
  upload.created += report.created;
  upload.updated += report.updated;
  upload.unchanged += report.unchanged;
  upload.rejected += report.rejected;
  upload.rowsProcessed = batch[batch.length - 1].number;
  upload.bytesProcessed = bytes;
  await manager.getRepository(CertificationUploadEntity).update(
    { id: upload.id },
    {
      created: upload.created,
      updated: upload.updated,
      unchanged: upload.unchanged,
      rejected: upload.rejected,
      rowsProcessed: upload.rowsProcessed,
      bytesProcessed: bytes,
      updatedAt: new Date(),
    },
  );
}

/**
 * Processes one claimed upload: reads the file as a stream, turns each row into the bulk import's
 * record and imports in batches (the same planning, per-row results, dry run and idempotency as
 * upsertCertifications; a number twice in the file is refused at its second row). Resumes after the
 * last batch written when a worker died.
 */
export async function processUpload(
  ctx: WorkerContext,
  upload: CertificationUploadEntity,
  options: { logger?: Logger; batchRows?: number; maxRows?: number } = {},
): Promise<CertificationUploadEntity> {
  const { dataSource } = ctx;
  const batchRows = options.batchRows ?? UPLOAD_BATCH_ROWS;
  const maxRows = options.maxRows ?? UPLOAD_LIMITS.maxRows;
  const resumeAfter = upload.rowsProcessed;
  const firstRow = new Map<string, number>();
  if (resumeAfter > 0) {
    const earlier = (await dataSource.query(
      `SELECT "certificate_number", "row" FROM "certification_upload_result" WHERE "upload_id" = $1 ORDER BY "row"`,
      [upload.id],
    )) as { certificate_number: string; row: number }[];
    for (const row of earlier)
      if (!firstRow.has(row.certificate_number)) firstRow.set(row.certificate_number, row.row);
  }
  const progress = { bytes: 0 };
  let batch: Pending[] = [];
  const flush = async () => {
    if (!batch.length) return;
    const pending = batch;
    batch = [];
    await dataSource.transaction((manager) => writeBatch(ctx, manager, upload, pending, progress.bytes));
  };
  try {
    const open: FileOpener = (counted) => fileStream(dataSource, upload, counted ? progress : undefined);
    for await (const { row, number } of rowsOf(upload.format, open)) {
      if (number > maxRows)
        throw new UploadFailed(
          `the file has more than ${maxRows} rows: split it (rows up to ${maxRows} were processed)`,
        );
      if (number <= resumeAfter) continue;
      let input = inputOf(row, number);
      const first = firstRow.get(input.certificateNumber);
      if (first !== undefined && input.certificateNumber)
        input = {
          certificateNumber: input.certificateNumber,
          refused: {
            code: 'BAD_USER_INPUT',
            reason: `row ${number}: certificateNumber ${input.certificateNumber} appears more than once in this file (first at row ${first})`,
          },
          field: `row ${number}`,
        };
      else firstRow.set(input.certificateNumber, number);
      batch.push({ number, input });
      if (batch.length >= batchRows) await flush();
    }
    await flush();
    return await finish(dataSource, upload, 'DONE', null);
  } catch (err) {
    // what was written stays written (per row, like the bulk import); the file's own fault is its error
    if (!(err instanceof UploadFailed)) throw err; // the server's fault: the lease runs out and a worker resumes
    const message = err.message;
    await flush();
    options.logger?.warn({ uploadId: upload.id, error: message }, 'upload failed');
    return finish(dataSource, upload, 'FAILED', message);
  }
}

async function finish(
  dataSource: DataSource,
  upload: CertificationUploadEntity,
  status: 'DONE' | 'FAILED',
  error: string | null,
): Promise<CertificationUploadEntity> {
  const now = new Date();
  await dataSource.transaction(async (manager) => {
    await manager
      .getRepository(CertificationUploadEntity)
      .update(
        { id: upload.id },
        { status, error, finishedAt: now, updatedAt: now, bytesProcessed: upload.sizeBytes },
      );
    // the file has served its purpose: its rows' results remain
    await manager.getRepository(CertificationUploadChunkEntity).delete({ uploadId: upload.id });
  });
  return Object.assign(upload, { status, error, finishedAt: now, updatedAt: now });
}

/** The worker's pass: every upload waiting, one after another. */
export async function processCertificationUploads(
  ctx: WorkerContext,
  options: { logger?: Logger; batchRows?: number; maxRows?: number } = {},
): Promise<number> {
  let processed = 0;
  for (;;) {
    const upload = await claimUpload(ctx.dataSource, new Date());
    if (!upload) return processed;
    const done = await processUpload(ctx, upload, options);
    options.logger?.info(
      { uploadId: done.id, status: done.status, rows: done.rowsProcessed, rejected: done.rejected },
      'upload processed',
    );
    processed++;
  }
}
