import { request as httpRequest, type IncomingHttpHeaders } from 'node:http';
import { request as httpsRequest } from 'node:https';
import { pipeline } from 'node:stream/promises';
import {
  REQUEST_ID_HEADER,
  sendHttpError,
  type Authenticates,
  type HttpHandler,
  type Logger,
} from '@iso20000/service-kit';

/**
 * GET /registry/uploads/{id}/results.csv on the gateway's origin: an RCB's upload result file,
 * streamed from the registry (its GET /uploads/{id}/results.csv) as it arrives, never buffered.
 * The credential is checked here first, as for GraphQL, so a bad one never reaches the registry;
 * the registry checks it again and answers 404 for any upload not of the caller's RCB.
 */
export const UPLOAD_RESULTS_PATH =
  /^\/registry\/uploads\/([0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12})\/results\.csv$/i;
/** The metric label of that path (never the path a client sent). */
export const UPLOAD_RESULTS_ROUTE = '/registry/uploads/:id/results.csv';

/** The registry's answer headers a client may see. */
const PASSED_HEADERS = [
  'content-type',
  'content-disposition',
  'cache-control',
  'www-authenticate',
  'allow',
  'x-upload-status',
];

export function uploadResultsRoute(options: {
  authenticator: Authenticates;
  /** The registry's GraphQL URL (REGISTRY_URL): the file is served by the same process, beside it. */
  registryUrl: string;
  logger: Logger;
  /** Longest the registry may stay silent (before its answer, or between two parts of it). */
  idleTimeoutMs: number;
}): { handler: HttpHandler; route: (path: string) => string | undefined } {
  const { authenticator, registryUrl, logger, idleTimeoutMs } = options;
  const handler: HttpHandler = async (req, res, url) => {
    const match = UPLOAD_RESULTS_PATH.exec(url.pathname);
    if (!match) return false;
    if (req.method !== 'GET') {
      sendHttpError(res, 405, 'method not allowed', { allow: 'GET' });
      return true;
    }
    const authorization = req.headers.authorization;
    if (!authorization) {
      sendHttpError(res, 401, 'an RCB API key or token is required', {
        'www-authenticate': 'ApiKey, Bearer',
      });
      return true;
    }
    try {
      await authenticator.authenticate(authorization);
    } catch {
      sendHttpError(res, 401, 'invalid credentials', { 'www-authenticate': 'ApiKey, Bearer' });
      return true;
    }
    const target = new URL(`/uploads/${match[1].toLowerCase()}/results.csv`, registryUrl);
    const headers: IncomingHttpHeaders = {
      authorization,
      [REQUEST_ID_HEADER]: req.headers[REQUEST_ID_HEADER],
      accept: 'text/csv',
    };
    const send = target.protocol === 'https:' ? httpsRequest : httpRequest;
    await new Promise<void>((resolve) => {
      const upstream = send(target, { method: 'GET', headers, timeout: idleTimeoutMs });
      // the client went away: stop reading from the registry (its cursor closes with the connection)
      res.once('close', () => upstream.destroy());
      upstream.once('timeout', () => upstream.destroy(new Error('the registry did not answer in time')));
      upstream.once('error', (err) => {
        logger.warn({ err, path: UPLOAD_RESULTS_ROUTE }, 'upload result file: the registry failed');
        if (!res.headersSent) sendHttpError(res, 502, 'the registry is unavailable: try again');
        else res.destroy(err);
        resolve();
      });
      upstream.once('response', (answer) => {
        const passed: Record<string, string> = {};
        for (const name of PASSED_HEADERS) {
          const value = answer.headers[name];
          if (typeof value === 'string') passed[name] = value;
        }
        res.writeHead(answer.statusCode ?? 502, passed);
        pipeline(answer, res).then(resolve, (err: unknown) => {
          logger.warn({ err, path: UPLOAD_RESULTS_ROUTE }, 'upload result file broken off');
          resolve();
        });
      });
      upstream.end();
    });
    return true;
  };
  return { handler, route: (path) => (UPLOAD_RESULTS_PATH.test(path) ? UPLOAD_RESULTS_ROUTE : undefined) };
}
