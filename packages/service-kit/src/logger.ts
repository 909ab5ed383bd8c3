import pino, { type Logger } from 'pino';

export type { Logger };

/** Structured JSON logs; `service` on every line so the launcher and log shippers can tell them apart. */
export function createLogger(service: string, level: string = process.env.LOG_LEVEL ?? 'info'): Logger {
  return pino({
    name: service,
    level,
    base: { service },
    timestamp: pino.stdTimeFunctions.isoTime,
    redact: {
      paths: ['req.headers.authorization', 'authorization', '*.authorization'],
      censor: '[redacted]',
    },
  });
}
