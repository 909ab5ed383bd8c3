import { headers as natsHeaders, type NatsConnection } from 'nats';
import { type DataSource } from 'typeorm';
import { type DeadLetterResolution } from './entities/dead-letter-event.entity';

/**
 * What an operator does with dead letters, against one service's database and the bus: list, show,
 * replay (publish the original message again onto its subject), discard (with a reason). The row
 * stays in both cases with who, when and why.
 *
 * A replay reaches every consumer of the subject, not only the one that failed: the others' inboxes
 * already hold the event id and skip it, and the failed consumer handles it once (its inbox then
 * guards a second replay or a redelivery). If it fails again, it is dead-lettered again as a new row.
 */

export type DeadLetterState = 'open' | DeadLetterResolution | 'all';

export interface DeadLetterRecord {
  id: string;
  consumer: string;
  eventId: string | null;
  subject: string;
  payload: unknown;
  error: string;
  deliveries: number;
  failedAt: Date;
  resolution: DeadLetterResolution | null;
  resolvedAt: Date | null;
  resolvedBy: string | null;
  resolutionReason: string | null;
}

/** A request the dead letters cannot honour: unknown id, already resolved, a missing reason. */
export class DeadLetterRefused extends Error {
  constructor(
    readonly code: 'NOT_FOUND' | 'CONFLICT' | 'BAD_USER_INPUT',
    message: string,
  ) {
    super(message);
    this.name = 'DeadLetterRefused';
  }
}

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;
const MAX_TEXT = 1000;
const MAX_LIST = 1000;

const COLUMNS = `"id", "consumer", "event_id", "subject", "payload", "error", "deliveries", "failed_at",
  "resolution", "resolved_at", "resolved_by", "resolution_reason"`;

interface Row {
  id: string;
  consumer: string;
  event_id: string | null;
  subject: string;
  payload: unknown;
  error: string;
  deliveries: number;
  failed_at: Date;
  resolution: DeadLetterResolution | null;
  resolved_at: Date | null;
  resolved_by: string | null;
  resolution_reason: string | null;
}

function toRecord(row: Row): DeadLetterRecord {
  return {
    id: row.id,
    consumer: row.consumer,
    eventId: row.event_id,
    subject: row.subject,
    payload: row.payload,
    error: row.error,
    deliveries: row.deliveries,
    failedAt: row.failed_at,
    resolution: row.resolution,
    resolvedAt: row.resolved_at,
    resolvedBy: row.resolved_by,
    resolutionReason: row.resolution_reason,
  };
}

function checkId(id: string): string {
  if (!UUID.test(id))
    throw new DeadLetterRefused('BAD_USER_INPUT', `"${id}" is not a dead letter id (a UUID)`);
  return id.toLowerCase();
}

/** Control characters and bidirectional overrides: a name or reason is one plain line. */
function hasControl(text: string): boolean {
  for (const char of text) {
    const code = char.codePointAt(0) ?? 0;
    if (
      code < 0x20 ||
      code === 0x7f ||
      (code >= 0x202a && code <= 0x202e) ||
      (code >= 0x2066 && code <= 0x2069)
    )
      return true;
  }
  return false;
}

/** Who or why: required, one line, at most 1000 characters. */
function checkText(name: string, value: string | undefined): string {
  const text = value?.trim() ?? '';
  if (text === '') throw new DeadLetterRefused('BAD_USER_INPUT', `${name} is required`);
  if (text.length > MAX_TEXT || hasControl(text)) {
    throw new DeadLetterRefused(
      'BAD_USER_INPUT',
      `${name} must be one line of at most ${MAX_TEXT} characters`,
    );
  }
  return text;
}

export interface DeadLetterFilter {
  consumer?: string;
  /** Default `open`: the ones still waiting for a decision. */
  state?: DeadLetterState;
  /** At most this many, oldest first (default 100, at most 1000). */
  limit?: number;
}

export async function listDeadLetters(
  dataSource: DataSource,
  filter: DeadLetterFilter = {},
): Promise<DeadLetterRecord[]> {
  const state = filter.state ?? 'open';
  const limit = filter.limit ?? 100;
  if (!Number.isInteger(limit) || limit < 1 || limit > MAX_LIST) {
    throw new DeadLetterRefused('BAD_USER_INPUT', `limit must be an integer from 1 to ${MAX_LIST}`);
  }
  const where: string[] = [];
  const params: unknown[] = [];
  if (filter.consumer !== undefined) {
    params.push(filter.consumer);
    where.push(`"consumer" = $${params.length}`);
  }
  if (state === 'open') where.push(`"resolution" IS NULL`);
  else if (state !== 'all') {
    params.push(state);
    where.push(`"resolution" = $${params.length}`);
  }
  params.push(limit);
  const rows = (await dataSource.query(
    `SELECT ${COLUMNS} FROM "dead_letter_event" ${where.length ? `WHERE ${where.join(' AND ')}` : ''} ` +
      `ORDER BY "failed_at", "id" LIMIT $${params.length}`,
    params,
  )) as Row[];
  return rows.map(toRecord);
}

export async function findDeadLetter(dataSource: DataSource, id: string): Promise<DeadLetterRecord> {
  const rows = (await dataSource.query(`SELECT ${COLUMNS} FROM "dead_letter_event" WHERE "id" = $1`, [
    checkId(id),
  ])) as Row[];
  if (rows.length === 0) throw new DeadLetterRefused('NOT_FOUND', `no dead letter ${id}`);
  return toRecord(rows[0]);
}

export interface ResolveDeadLetter {
  dataSource: DataSource;
  id: string;
  /** The operator or staff member, recorded with the row. */
  by: string;
  reason?: string;
}

async function resolve(
  { dataSource, id, by, reason }: ResolveDeadLetter,
  resolution: DeadLetterResolution,
  effect: (record: DeadLetterRecord) => Promise<void>,
): Promise<DeadLetterRecord> {
  const checkedId = checkId(id);
  const resolvedBy = checkText('who (--by)', by);
  const resolutionReason =
    resolution === 'discarded' || (reason !== undefined && reason.trim() !== '')
      ? checkText('the reason', reason)
      : null;
  return dataSource.transaction(async (manager) => {
    // locked: two operators replaying the same row publish once
    const rows = (await manager.query(
      `SELECT ${COLUMNS} FROM "dead_letter_event" WHERE "id" = $1 FOR UPDATE`,
      [checkedId],
    )) as Row[];
    if (rows.length === 0) throw new DeadLetterRefused('NOT_FOUND', `no dead letter ${id}`);
    const record = toRecord(rows[0]);
    if (record.resolution !== null) {
      throw new DeadLetterRefused(
        'CONFLICT',
        `dead letter ${id} was already ${record.resolution} by ${record.resolvedBy} at ${record.resolvedAt?.toISOString()}`,
      );
    }
    await effect(record);
    const updated = (await manager.query(
      `UPDATE "dead_letter_event" SET "resolution" = $2, "resolved_at" = now(), "resolved_by" = $3, ` +
        `"resolution_reason" = $4 WHERE "id" = $1 RETURNING ${COLUMNS}`,
      [checkedId, resolution, resolvedBy, resolutionReason],
    )) as [Row[], number];
    return toRecord(updated[0][0]);
  });
}

/**
 * Publishes the dead letter's message again, as received, onto the subject it arrived on (the wire
 * subject, namespace included) and marks it replayed. The Nats-Msg-Id is the dead letter's, so a
 * replay retried after a lost answer is stored once; the envelope id is unchanged, so inboxes dedupe.
 */
export async function replayDeadLetter(
  nc: NatsConnection,
  request: ResolveDeadLetter,
): Promise<DeadLetterRecord> {
  return resolve(request, 'replayed', async (record) => {
    const raw = rawMessageOf(record.payload);
    const hdrs = natsHeaders();
    hdrs.set('Dead-Letter-Replay', record.id);
    await nc.jetstream().publish(record.subject, raw, { msgID: `replay-${record.id}`, headers: hdrs });
  });
}

/** Marks a dead letter discarded: nothing is published; who and why are kept. */
export async function discardDeadLetter(request: ResolveDeadLetter): Promise<DeadLetterRecord> {
  return resolve(request, 'discarded', async () => undefined);
}

/** The message as it arrived: the consumer stores non-JSON text as `{ raw }`. */
function rawMessageOf(payload: unknown): string {
  if (
    typeof payload === 'object' &&
    payload !== null &&
    Object.keys(payload).length === 1 &&
    typeof (payload as { raw?: unknown }).raw === 'string'
  ) {
    return (payload as { raw: string }).raw;
  }
  return JSON.stringify(payload);
}
