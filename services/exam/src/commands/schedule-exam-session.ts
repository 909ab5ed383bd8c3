import { randomUUID } from 'node:crypto';
import type { Viewer } from '@iso20000/auth';
import { ATO_ACTIVE_STATUS } from '@iso20000/scheme';
import { refuse } from '@iso20000/service-kit';
import type { DataSource } from 'typeorm';
import { offersLanguage } from '../domain/exam-rules';
import type { SessionKind } from '../domain/registration';
import { AtoStatusEntity } from '../entities/ato-status.entity';
import { ExamPriceEntity } from '../entities/exam-price.entity';
import { ExamSessionEntity } from '../entities/exam-session.entity';
import { ExamEntity } from '../entities/exam.entity';

export interface ScheduleExamSessionCommand {
  kind: SessionKind;
  examCode: ExamEntity['code'];
  /** ATO_COURSE: the ATO whose course it is; PUBLIC: null. */
  atoId: string | null;
  venue: string;
  country: string;
  /** PUBLIC: the price region; ATO_COURSE: null (the course includes the fee). */
  region: string | null;
  startsAt: Date;
  languages: string[];
  capacity: number;
  /** PUBLIC: overrides the regional price. */
  price: { currency: string; amountMinor: number } | null;
}

/**
 * Schedules a session: an ATO course session only for an ATO accredited now, a public session
 * only in a region with a price (the session keeps that price, whatever the region's becomes).
 */
export async function scheduleExamSession(
  dataSource: DataSource,
  cmd: ScheduleExamSessionCommand,
  actor: Viewer,
): Promise<ExamSessionEntity> {
  return dataSource.transaction(async (manager) => {
    const exam = await manager.findOneByOrFail(ExamEntity, { code: cmd.examCode });
    const unoffered = cmd.languages.filter((l) => !offersLanguage(exam, l));
    if (unoffered.length) {
      throw refuse.badInput(
        `${exam.code} is not offered in ${unoffered.join(', ')}; choose from ${exam.languages.map((l) => l.tag).join(', ')}`,
        { field: 'languages' },
      );
    }
    let price = cmd.price;
    if (cmd.kind === 'ATO_COURSE') {
      const ato = await manager.findOneBy(AtoStatusEntity, { atoId: cmd.atoId! });
      if (ato?.status !== ATO_ACTIVE_STATUS)
        throw refuse.conflict(
          `ATO ${cmd.atoId} is not accredited (${(ato?.status ?? 'unknown').toLowerCase()}); only accredited ATOs run exam sessions`,
        );
    } else {
      const regional = await manager.findOneBy(ExamPriceEntity, { examCode: exam.code, region: cmd.region! });
      if (!regional)
        throw refuse.badInput(
          `no ${exam.code} price for region ${cmd.region}; set one with setExamPrice or choose a priced region`,
          { field: 'region' },
        );
      price ??= { currency: regional.currency, amountMinor: regional.amountMinor };
    }
    const session = manager.create(ExamSessionEntity, {
      id: randomUUID(),
      kind: cmd.kind,
      examCode: exam.code,
      atoId: cmd.atoId,
      venue: cmd.venue,
      country: cmd.country,
      region: cmd.region,
      startsAt: cmd.startsAt,
      languages: cmd.languages,
      capacity: cmd.capacity,
      priceAmountMinor: price?.amountMinor ?? null,
      priceCurrency: price?.currency ?? null,
      createdAt: new Date(),
      createdBy: actor.subject ?? actor.role,
    });
    await manager.insert(ExamSessionEntity, session);
    return session;
  });
}
