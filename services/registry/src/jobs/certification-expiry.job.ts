import type { Logger } from '@iso20000/service-kit';
import type { DataSource } from 'typeorm';
import { todayUtc, type CalendarDate } from '../domain/calendar-date';
import { expire } from '../domain/certification-lifecycle';
import { OrganizationCertificationEntity } from '../entities/organization-certification.entity';
import { saveStep, stateOf } from '../writes/certification-writes';

export const EXPIRY_ACTOR = 'system:expiry';

/**
 * Records the expiry of every certification past its expiry date, in batches (each its own
 * transaction, rows locked with SKIP LOCKED so several instances share the work). Readers never
 * wait for this: they already derive EXPIRED from the dates.
 */
export async function expireDueCertifications(
  dataSource: DataSource,
  today: CalendarDate,
  options: { batchSize?: number; logger?: Logger } = {},
): Promise<number> {
  const batchSize = options.batchSize ?? 200;
  let total = 0;
  for (;;) {
    const expired = await dataSource.transaction(async (manager) => {
      const due = await manager
        .getRepository(OrganizationCertificationEntity)
        .createQueryBuilder('c')
        .where(`c.status IN ('CERTIFIED', 'SUSPENDED') AND c.expiry < :today`, { today })
        .orderBy('c.expiry', 'ASC')
        .limit(batchSize)
        .setLock('pessimistic_write')
        .setOnLocked('skip_locked')
        .getMany();
      for (const certification of due) {
        await saveStep(manager, certification, expire(stateOf(certification), { today }), {
          actor: EXPIRY_ACTOR,
        });
      }
      return due.length;
    });
    total += expired;
    if (expired < batchSize) break;
  }
  if (total > 0) options.logger?.info({ expired: total }, 'certifications expired');
  return total;
}

/** How long an idempotency key is remembered: far longer than any client keeps retrying. */
export const IDEMPOTENCY_RETENTION_DAYS = 7;

/** Forgets idempotency keys older than the retention period; returns how many. */
export async function forgetOldIdempotencyKeys(dataSource: DataSource, now: Date): Promise<number> {
  const cutoff = new Date(now.getTime() - IDEMPOTENCY_RETENTION_DAYS * 86_400_000);
  const [, deleted] = (await dataSource.query(`DELETE FROM "idempotency_record" WHERE "created_at" < $1`, [
    cutoff,
  ])) as [unknown, number];
  return deleted;
}

/** Runs the expiry job (and forgets old idempotency keys) every intervalMs (and once at start); stop() waits for a running pass. */
export class CertificationExpiryScheduler {
  private timer: NodeJS.Timeout | null = null;
  private running: Promise<unknown> = Promise.resolve();

  constructor(
    private readonly dataSource: DataSource,
    private readonly logger: Logger,
    private readonly intervalMs: number,
    private readonly clock: () => Date = () => new Date(),
  ) {}

  start(): void {
    if (this.timer) return;
    let busy = false;
    const tick = () => {
      // a slow pass (thousands due at once) must not overlap the next one
      if (busy) return;
      busy = true;
      const now = this.clock();
      this.running = expireDueCertifications(this.dataSource, todayUtc(now), { logger: this.logger })
        .then(() => forgetOldIdempotencyKeys(this.dataSource, now))
        .catch((err: unknown) =>
          this.logger.error({ err }, 'certification expiry failed; retrying at the next interval'),
        )
        .finally(() => {
          busy = false;
        });
    };
    tick();
    this.timer = setInterval(tick, this.intervalMs);
    this.timer.unref();
  }

  async stop(): Promise<void> {
    if (this.timer) clearInterval(this.timer);
    this.timer = null;
    await this.running;
  }
}
