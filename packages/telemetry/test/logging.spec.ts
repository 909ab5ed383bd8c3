import { Writable } from 'node:stream';
import pino from 'pino';
import { logFormat, logMixin, withRequestId } from '../src';

function capture() {
  const lines: Record<string, unknown>[] = [];
  const raw: string[] = [];
  const stream = new Writable({
    write(chunk: Buffer, _encoding, done) {
      raw.push(chunk.toString('utf8'));
      lines.push(JSON.parse(chunk.toString('utf8')) as Record<string, unknown>);
      done();
    },
  });
  return { lines, raw, logger: pino({ ...logMixin() }, stream) };
}

describe('log lines', () => {
  it('are pretty in development and JSON elsewhere, unless LOG_FORMAT says', () => {
    expect(logFormat({})).toBe('pretty');
    expect(logFormat({ NODE_ENV: 'development' })).toBe('pretty');
    expect(logFormat({ NODE_ENV: 'production' })).toBe('json');
    expect(logFormat({ NODE_ENV: 'test' })).toBe('json');
    expect(logFormat({ NODE_ENV: 'production', LOG_FORMAT: 'pretty' })).toBe('pretty');
    expect(logFormat({ NODE_ENV: 'development', LOG_FORMAT: 'json' })).toBe('json');
  });

  it('carry the request id of the work under way, once, from any logger', () => {
    const { lines, raw, logger } = capture();
    withRequestId('req-abcdefgh', () => {
      logger.info('from the root logger');
      logger.child({ requestId: 'req-abcdefgh' }).info('from the request logger');
    });
    logger.info('outside any request');
    expect(lines.map((line) => line.requestId)).toEqual(['req-abcdefgh', 'req-abcdefgh', undefined]);
    expect(raw.map((line) => line.split('"requestId"').length - 1)).toEqual([1, 1, 0]);
    expect(lines.map((line) => line.traceId)).toEqual([undefined, undefined, undefined]);
  });
});
