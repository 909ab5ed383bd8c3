import type { LoggerOptions, DestinationStream } from 'pino';
import pretty from 'pino-pretty';
import { logContext } from './log-context';

/**
 * Log lines as JSON (production, tests, anything a shipper reads) or, in development, pretty single
 * lines. LOG_FORMAT=json|pretty overrides the choice made from NODE_ENV.
 */
export function logFormat(env: NodeJS.ProcessEnv = process.env): 'json' | 'pretty' {
  if (env.LOG_FORMAT === 'json' || env.LOG_FORMAT === 'pretty') return env.LOG_FORMAT;
  return (env.NODE_ENV ?? 'development') === 'development' ? 'pretty' : 'json';
}

/** Pino options that put the request id and trace ids on every line. */
export function logMixin(): Pick<LoggerOptions, 'mixin'> {
  return {
    mixin(_object, _level, logger) {
      const fields = logContext();
      // A request's child logger already carries requestId: do not write it twice.
      if (fields.requestId && (logger as { bindings(): Record<string, unknown> }).bindings().requestId) {
        delete fields.requestId;
      }
      return fields;
    },
  };
}

/** The destination for `logFormat`: pretty in development, standard output (JSON) otherwise. */
export function logDestination(env: NodeJS.ProcessEnv = process.env): DestinationStream | undefined {
  if (logFormat(env) !== 'pretty') return undefined;
  return pretty({ singleLine: true, translateTime: 'SYS:HH:MM:ss.l', ignore: 'pid,hostname,service' });
}
