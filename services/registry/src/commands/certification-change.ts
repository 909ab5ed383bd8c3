import { createHash } from 'node:crypto';
import type { ConsumerFreshness } from '@iso20000/events';
import { refuse } from '@iso20000/service-kit';
import type { DataSource, EntityManager } from 'typeorm';
import type { Actor, RcbActor } from '../access';
import type { CalendarDate } from '../domain/calendar-date';
import type { RcbStatus } from '@iso20000/scheme';
import type { CertificationState, LifecycleStep, StepContext } from '../domain/certification-lifecycle';
import { IdempotencyRecordEntity } from '../entities/idempotency-record.entity';
import { OrganizationCertificationEntity } from '../entities/organization-certification.entity';
import { RcbEntity } from '../entities/rcb.entity';
import { certificationFromJson, saveStep, stateOf, type ChangeAuthor } from './certification-rows';

/** What every command needs from the request that runs it. */
export interface CommandContext {
  dataSource: DataSource;
  /** Today's date for this request (UTC): effective status and lifecycle checks use it. */
  today: CalendarDate;
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

/**
 * Runs a single-record change once per idempotency key: the key is claimed in the change's own
 * transaction, so a concurrent retry waits for the first and then gets its stored result; a failed
 * attempt leaves no key behind and may be retried.
 */
export function runOnce(
  ctx: CommandContext,
  actor: Actor,
  idempotency: Idempotency,
  work: (manager: EntityManager, author: ChangeAuthor) => Promise<OrganizationCertificationEntity>,
): Promise<CertificationPayload> {
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
      return { certification: certificationFromJson(first.response), replayed: true };
    }
    const certification = await work(manager, { actor: actor.actor, requestId: ctx.requestId });
    await manager.getRepository(IdempotencyRecordEntity).update({ rcbId, key }, { response: certification });
    return { certification, replayed: false };
  });
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
  options: { needsRcbStatus?: boolean } = {},
): Promise<CertificationPayload> {
  return runOnce(ctx, actor, idempotency, async (manager, author) => {
    const before = await lockForChange(manager, target.id, actor, target.expectedVersion);
    const rcbStatus = options.needsRcbStatus ? await rcbStatusOf(ctx, manager, actor.rcbId) : null;
    return saveStep(manager, before, step(stateOf(before), { today: ctx.today, rcbStatus }), author);
  });
}
