import { once } from 'node:events';
import type { IncomingMessage, ServerResponse } from 'node:http';
import {
  sendHttpError,
  type HttpHandler,
  type IncomingGraphQLRequest,
  type Logger,
} from '@iso20000/service-kit';
import type { DataSource } from 'typeorm';
import type { ServiceContext } from '../context';
import { resultFileHeaderLine, resultFileLine, type ResultFileRow } from './certification-uploads';

/** GET /uploads/{id}/results.csv on the registry (the gateway serves it as /registry/uploads/{id}/results.csv). */
export const UPLOAD_RESULT_FILE_PATH =
  /^\/uploads\/([0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12})\/results\.csv$/i;
/** The metric label of that path (never the path a client sent). */
export const UPLOAD_RESULT_FILE_ROUTE = '/uploads/:id/results.csv';
/** Rows fetched from the cursor at a time: the most of the file in memory at once. */
export const RESULT_FILE_FETCH_ROWS = 1000;
/**
 * Longest the download may wait for a slow client between two fetches while its read-only
 * transaction (the cursor's) stays open; then PostgreSQL ends the session and the download breaks off.
 */
export const RESULT_FILE_CLIENT_STALL_MS = 60_000;

/** Resolves once the response can take more, or it was closed (the client went away). */
async function drained(res: ServerResponse): Promise<void> {
  const controller = new AbortController();
  await Promise.race([
    once(res, 'drain', { signal: controller.signal }),
    once(res, 'close', { signal: controller.signal }),
  ]).finally(() => controller.abort());
}

/** The name the download is saved as: the uploaded file's, safe in a header. */
function downloadName(fileName: string): string {
  const base = fileName
    .replace(/\.[^.]*$/, '')
    .replace(/[^A-Za-z0-9._-]+/g, '_')
    .slice(0, 100);
  return `${base || 'upload'}-results.csv`;
}

/**
 * An upload's whole result file as one CSV download (the header, then every row's result in row
 * order), for the RCB that uploaded it only, authenticated as GraphQL is (its API key or token).
 * Read through a PostgreSQL cursor in a read-only transaction, RESULT_FILE_FETCH_ROWS rows at a
 * time, each fetch waiting until the client took the last one: a 100,000-row file is never whole
 * in memory, and a slow client holds back the reading, not the other way round. Another RCB's
 * upload, or any other caller, gets 404: the upload is not even acknowledged to exist.
 */
export function uploadResultFileHandler(deps: {
  dataSource: DataSource;
  context: (request: IncomingGraphQLRequest) => Promise<ServiceContext>;
  logger: Logger;
}): HttpHandler {
  const { dataSource, logger } = deps;
  return async (req: IncomingMessage, res: ServerResponse, url) => {
    const match = UPLOAD_RESULT_FILE_PATH.exec(url.pathname);
    if (!match) return false;
    if (req.method !== 'GET') {
      sendHttpError(res, 405, 'method not allowed', { allow: 'GET' });
      return true;
    }
    const id = match[1].toLowerCase();
    if (!req.headers.authorization) {
      sendHttpError(res, 401, 'an RCB API key or token is required', {
        'www-authenticate': 'ApiKey, Bearer',
      });
      return true;
    }
    let ctx: ServiceContext;
    try {
      ctx = await deps.context({ headers: req.headers, remoteAddress: req.socket.remoteAddress });
    } catch {
      sendHttpError(res, 401, 'invalid credentials', { 'www-authenticate': 'ApiKey, Bearer' });
      return true;
    }
    const { viewer } = ctx;
    const notFound = () => sendHttpError(res, 404, `No upload of your RCB with id ${id}`);
    if (viewer.role !== 'rcb_integration' || !viewer.rcbId) {
      notFound();
      return true;
    }
    const [upload] = (await dataSource.query(
      `SELECT "status", "file_name" FROM "certification_upload" WHERE "id" = $1 AND "rcb_id" = $2`,
      [id, viewer.rcbId],
    )) as { status: string; file_name: string }[];
    if (!upload) {
      notFound();
      return true;
    }
    if (upload.status !== 'DONE' && upload.status !== 'FAILED') {
      sendHttpError(
        res,
        409,
        `the upload is ${upload.status}: its result file is complete once it is DONE or FAILED`,
      );
      return true;
    }

    const runner = dataSource.createQueryRunner();
    await runner.connect();
    let rows = 0;
    try {
      await runner.query('START TRANSACTION ISOLATION LEVEL REPEATABLE READ, READ ONLY');
      await runner.query(
        `SET LOCAL idle_in_transaction_session_timeout = ${String(RESULT_FILE_CLIENT_STALL_MS)}`,
      );
      await runner.query(
        `DECLARE "upload_results" NO SCROLL CURSOR FOR
         SELECT "row", "certificate_number" AS "certificateNumber", "outcome", "error_code" AS "errorCode",
                "reasons", "certification_id" AS "certificationId", "changed_fields" AS "changedFields"
         FROM "certification_upload_result" WHERE "upload_id" = $1 ORDER BY "row"`,
        [id],
      );
      res.writeHead(200, {
        'content-type': 'text/csv; charset=utf-8',
        'content-disposition': `attachment; filename="${downloadName(upload.file_name)}"`,
        'cache-control': 'private, no-store',
        'x-upload-status': upload.status,
      });
      if (!res.write(resultFileHeaderLine())) await drained(res);
      while (!res.destroyed) {
        const batch = (await runner.query(
          `FETCH ${String(RESULT_FILE_FETCH_ROWS)} FROM "upload_results"`,
        )) as ResultFileRow[];
        if (!batch.length) break;
        rows += batch.length;
        if (!res.write(batch.map(resultFileLine).join(''))) await drained(res);
      }
      await runner.query('COMMIT');
      res.end();
      logger.info({ uploadId: id, rows }, 'upload result file sent');
    } catch (err) {
      await runner.query('ROLLBACK').catch(() => undefined);
      logger.warn({ err, uploadId: id, rows }, 'upload result file broken off');
      if (!res.headersSent) sendHttpError(res, 503, 'the result file cannot be read now: try again');
      else res.destroy(err instanceof Error ? err : new Error(String(err)));
    } finally {
      await runner.release();
    }
    return true;
  };
}
