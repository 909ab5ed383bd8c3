import { refuse } from '@iso20000/service-kit';
import { requireAtoAccess } from '../access';
import type { ServiceContext } from '../context';
import { today } from '../domain/today';
import { CourseEntity } from '../entities/course.entity';
import { TrainerEntity } from '../entities/trainer.entity';
import { lockedRow } from './row-lock';

/** An ATO removes a trainer who delivers no current or upcoming course. */
export async function removeTrainer(context: ServiceContext, trainerId: string): Promise<TrainerEntity> {
  return context.dataSource.transaction(async (manager) => {
    const trainer = await lockedRow(manager, TrainerEntity, trainerId, 'trainer');
    requireAtoAccess(context.viewer, trainer.atoId);
    const upcoming = await manager
      .getRepository(CourseEntity)
      .createQueryBuilder('c')
      .where('c.trainer_id = :id AND (c.ends_on IS NULL OR c.ends_on >= :today)', {
        id: trainerId,
        today: today(),
      })
      .getCount();
    if (upcoming > 0)
      throw refuse.conflict(
        `${trainer.name} still delivers ${upcoming} current or upcoming course(s); assign another trainer first`,
      );
    // Past courses keep no link to a trainer who left.
    await manager.update(CourseEntity, { trainerId }, { trainerId: null });
    await manager.delete(TrainerEntity, { id: trainerId });
    return trainer;
  });
}
