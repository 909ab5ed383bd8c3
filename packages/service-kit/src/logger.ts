import pino, { type Logger } from 'pino';
import { logDestination, logMixin } from '@iso20000/telemetry';

export type { Logger };

/**
 * Structured JSON logs (pretty lines in development); `service` on every line so the launcher and log
 * shippers can tell them apart, and the request id and trace id of the work under way.
 */
export function createLogger(service: string, level: string = process.env.LOG_LEVEL ?? 'info'): Logger {
  const options: pino.LoggerOptions = {
    ...logMixin(),
    name: service,
    level,
    base: { service },
    timestamp: pino.stdTimeFunctions.isoTime,
    redact: {
      paths: ['req.headers.authorization', 'authorization', '*.authorization'],
      censor: '[redacted]',
    },
  };
  const destination = logDestination();
  return destination ? pino(options, destination) : pino(options);
}
