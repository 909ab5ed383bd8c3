import { context, SpanKind, SpanStatusCode, trace } from '@opentelemetry/api';
import { Client } from 'pg';

const INSTRUMENTED = Symbol.for('iso20000.telemetry.pg');
const MAX_STATEMENT = 2000;

type QueryArgs = [unknown, ...unknown[]];
type Query = (this: Client, ...args: QueryArgs) => unknown;

/**
 * A span per SQL statement (TypeORM and the outbox both go through pg's Client#query), only inside
 * a trace: the relay's idle polls outside any request make no spans. The statement text is kept
 * (parameters are not: they carry personal data).
 */
export function instrumentPg(): void {
  const prototype = Client.prototype as unknown as Record<symbol | string, unknown>;
  if (prototype[INSTRUMENTED]) return;
  prototype[INSTRUMENTED] = true;
  const original = prototype.query as Query;
  prototype.query = function query(this: Client, ...args: QueryArgs): unknown {
    const parent = trace.getSpan(context.active());
    if (!parent) return original.apply(this, args);
    const text = typeof args[0] === 'string' ? args[0] : (args[0] as { text?: string } | null)?.text;
    if (typeof text !== 'string') return original.apply(this, args);
    const span = trace
      .getTracer('@iso20000/telemetry')
      .startSpan(`SQL ${text.trimStart().split(/\s+/, 1)[0].toUpperCase()}`, {
        kind: SpanKind.CLIENT,
        attributes: {
          'db.system.name': 'postgresql',
          'db.namespace': this.database ?? '',
          'db.query.text': text.length > MAX_STATEMENT ? `${text.slice(0, MAX_STATEMENT)}…` : text,
        },
      });
    const finish = (error?: unknown) => {
      if (error) span.setStatus({ code: SpanStatusCode.ERROR, message: (error as Error).message });
      span.end();
    };
    const last = args[args.length - 1];
    if (typeof last === 'function') {
      const callback = last as (error: unknown, result: unknown) => void;
      args[args.length - 1] = (error: unknown, result: unknown) => {
        finish(error);
        callback(error, result);
      };
      return original.apply(this, args);
    }
    const result = original.apply(this, args);
    if (result && typeof (result as Promise<unknown>).then === 'function') {
      (result as Promise<unknown>).then(
        () => finish(),
        (error: unknown) => finish(error),
      );
    } else {
      finish();
    }
    return result;
  };
}
