import { createHash } from 'node:crypto';
import type { ConsumerFreshness } from '@iso20000/events';
import { refuse } from '@iso20000/service-kit';
import type { DataSource, EntityManager } from 'typeorm';
import type { Actor, RcbActor } from '../access';
import type { CalendarDate } from '../domain/calendar-date';
import type { RcbStatus } from '@iso20000/scheme';
import {
  effectiveStatus,
  type CertificationState,
  type LifecycleStep,
  type StepContext,
} from '../domain/certification-lifecycle';
import { IdempotencyRecordEntity } from '../entities/idempotency-record.entity';
import { OrganizationCertificationEntity } from '../entities/organization-certification.entity';
import { RcbEntity } from '../entities/rcb.entity';
import { certificationFromJson, saveStep, stateOf, type ChangeAuthor } from './certification-rows';

/** What every command needs from the request that runs it. */
export interface CommandContext {
  dataSource: DataSource;
  /** Today's date for this request (UTC): effective status and lifecycle checks use it. */
  today: CalendarDate;
  /** The instant of this request (the registry's clock): transfer windows and codes use it. */
  now: Date;
  requestId?: string;
  /** Refuses (retryable) when the copy of RCB statuses cannot be shown current: an RCB suspended meanwhile must not act. */
  rcbStatusCopy: Pick<ConsumerFreshness, 'assertCurrent'>;
}

export interface CertificationPayload {
  certification: OrganizationCertificationEntity;
  replayed: boolean;
}

/** A single-record change as the client sent it: the key and the request it stands for. */
export interface Idempotency {
  operation: string;
  key: string;
  /** The arguments as sent: the same key with other arguments is refused. */
  request: unknown;
}

/** How a command's first result is kept with its idempotency key and given back on a retry. */
export interface StoredResult<T> {
  toJson(result: T): unknown;
  fromJson(json: unknown): T;
}

/**
 * Runs a change once per idempotency key: the key is claimed in the change's own transaction, so a
 * concurrent retry waits for the first and then gets its stored result; a failed attempt leaves no
 * key behind and may be retried.
 */
export function runOnceFor<T>(
  ctx: Pick<CommandContext, 'dataSource' | 'requestId'>,
  actor: Actor,
  idempotency: Idempotency,
  stored: StoredResult<T>,
  work: (manager: EntityManager, author: ChangeAuthor) => Promise<T>,
): Promise<{ result: T; replayed: boolean }> {
  // the keys' table calls the scope rcb_id: an RCB's keys, or a staff member's own namespace
  const rcbId = actor.idempotencyScope;
  const { key, operation } = idempotency;
  const requestHash = createHash('sha256')
    .update(JSON.stringify([operation, idempotency.request]))
    .digest('hex');
  return ctx.dataSource.transaction(async (manager) => {
    const claimed = (await manager.query(
      `INSERT INTO "idempotency_record" ("rcb_id", "key", "operation", "request_hash", "response", "created_at")
       VALUES ($1, $2, $3, $4, 'null'::jsonb, now()) ON CONFLICT DO NOTHING RETURNING "key"`,
      [rcbId, key, operation, requestHash],
    )) as unknown[];
    if (claimed.length === 0) {
      const first = await manager.getRepository(IdempotencyRecordEntity).findOneByOrFail({ rcbId, key });
      if (first.requestHash !== requestHash) {
        throw refuse.conflict(
          `idempotencyKey "${key}" was already used for a different request (${first.operation}); use a new key`,
        );
      }
      return { result: stored.fromJson(first.response), replayed: true };
    }
    const result = await work(manager, {
      actor: actor.actor,
      requestId: ctx.requestId,
      rcbId: 'rcbId' in actor && typeof actor.rcbId === 'string' ? actor.rcbId : undefined,
    });
    await manager
      .getRepository(IdempotencyRecordEntity)
      .update({ rcbId, key }, { response: stored.toJson(result) as object });
    return { result, replayed: false };
  });
}

const storedCertification: StoredResult<OrganizationCertificationEntity> = {
  toJson: (certification) => certification,
  fromJson: certificationFromJson,
};

/** A single-record change of a certification, once per idempotency key (see runOnceFor). */
export async function runOnce(
  ctx: CommandContext,
  actor: Actor,
  idempotency: Idempotency,
  work: (manager: EntityManager, author: ChangeAuthor) => Promise<OrganizationCertificationEntity>,
): Promise<CertificationPayload> {
  const { result, replayed } = await runOnceFor(ctx, actor, idempotency, storedCertification, work);
  return { certification: result, replayed };
}

/**
 * Locks the certification, checks the caller's right to change it (its RCB's own, or scheme staff
 * acting) before anything else, then that the client read the latest version: knowing an id and a
 * version never lets anyone change a certification.
 */
export async function lockForChange(
  manager: EntityManager,
  id: string,
  actor: RcbActor | { staff: true },
  expectedVersion: number,
): Promise<OrganizationCertificationEntity> {
  const certification = await lockCertification(manager, id);
  if (!('staff' in actor) && certification.rcbId !== actor.rcbId) {
    throw refuse.forbidden(
      'This certification belongs to another RCB: an RCB changes only its own certifications',
    );
  }
  if (certification.version !== expectedVersion) {
    throw refuse.conflict(
      `stale version: you sent expectedVersion ${expectedVersion}, the certification is at version ${certification.version} (status ${certification.status}); read it again`,
      { currentVersion: certification.version },
    );
  }
  return certification;
}

/** The certification row, locked for this transaction; NOT_FOUND when there is none. */
export async function lockCertification(
  manager: EntityManager,
  id: string,
): Promise<OrganizationCertificationEntity> {
  const certification = await manager
    .getRepository(OrganizationCertificationEntity)
    .findOne({ where: { id }, lock: { mode: 'pessimistic_write' } });
  if (!certification) throw refuse.notFound(`No certification with id ${id}`);
  return certification;
}

/**
 * The RCB's appointment status as the registry last heard it (null: never heard of it), only while
 * that copy is shown current: a permission is never decided on a copy that may miss a suspension.
 */
export async function rcbStatusOf(
  ctx: CommandContext,
  manager: EntityManager,
  rcbId: string,
): Promise<RcbStatus | null> {
  await ctx.rcbStatusCopy.assertCurrent();
  const rcb = await manager.getRepository(RcbEntity).findOneBy({ id: rcbId });
  return rcb?.status ?? null;
}

/** The certification a change is for, and the version the client read. */
export interface ChangeTarget {
  id: string;
  expectedVersion: number;
}

/**
 * One lifecycle step on an existing certification of the caller's RCB: once per idempotency key,
 * on the locked row at the version the client read, with its history entry and event.
 */
export function changeCertification(
  ctx: CommandContext,
  actor: RcbActor,
  idempotency: Idempotency,
  target: ChangeTarget,
  step: (state: CertificationState, stepContext: StepContext) => LifecycleStep,
  options: {
    needsRcbStatus?: boolean;
    /** Runs on the locked row before the step, in its transaction (e.g. an open transfer's rules). */
    afterLock?: (
      manager: EntityManager,
      before: OrganizationCertificationEntity,
      author: ChangeAuthor,
    ) => Promise<void>;
  } = {},
): Promise<CertificationPayload> {
  return runOnce(ctx, actor, idempotency, async (manager, author) => {
    const before = await lockForChange(manager, target.id, actor, target.expectedVersion);
    refuseIfUntransferred(before, ctx.today);
    await options.afterLock?.(manager, before, author);
    const rcbStatus = options.needsRcbStatus ? await rcbStatusOf(ctx, manager, actor.rcbId) : null;
    return saveStep(
      manager,
      before,
      step(stateOf(before), { today: ctx.today, rcbStatus }),
      author,
      ctx.today,
    );
  });
}

/**
 * A withdrawn RCB's certification past its transfer deadline reads EXPIRED (the expiry job records
 * it within a minute); no step acts on it meanwhile as if it were still valid.
 */
export function refuseIfUntransferred(
  certification: OrganizationCertificationEntity,
  today: CalendarDate,
): void {
  if (
    certification.transferDeadline &&
    today > certification.transferDeadline &&
    effectiveStatus(stateOf(certification), today) !== 'EXPIRED'
  ) {
    throw refuse.conflict(
      `the certification expired on ${certification.transferDeadline}: its RCB lost its appointment and it was not transferred in time`,
    );
  }
}
