import type { Viewer } from '@iso20000/auth';
import { refuse } from '@iso20000/service-kit';
import type { DataSource } from 'typeorm';
import { ExamPriceEntity } from '../entities/exam-price.entity';
import type { ExamEntity } from '../entities/exam.entity';

export interface SetExamPriceCommand {
  examCode: ExamEntity['code'];
  region: string;
  /** Required for a new region; kept when absent. */
  regionName: string | null;
  currency: string;
  amountMinor: number;
}

/** Sets an exam's price in a region (a new region needs its name); the row is locked while it changes. */
export async function setExamPrice(
  dataSource: DataSource,
  cmd: SetExamPriceCommand,
  actor: Viewer,
): Promise<ExamPriceEntity> {
  return dataSource.transaction(async (manager) => {
    const existing = await manager.findOne(ExamPriceEntity, {
      where: { examCode: cmd.examCode, region: cmd.region },
      lock: { mode: 'pessimistic_write' },
    });
    const regionName = cmd.regionName ?? existing?.regionName;
    if (!regionName)
      throw refuse.badInput(`${cmd.region} is a new region: give its name (regionName)`, {
        field: 'regionName',
      });
    const price = manager.create(ExamPriceEntity, {
      examCode: cmd.examCode,
      region: cmd.region,
      regionName,
      currency: cmd.currency,
      amountMinor: cmd.amountMinor,
      updatedAt: new Date(),
      updatedBy: actor.subject,
    });
    await manager.save(price);
    return price;
  });
}
