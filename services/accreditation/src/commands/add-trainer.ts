import { randomUUID } from 'node:crypto';
import { refuse } from '@iso20000/service-kit';
import type { ServiceContext } from '../context';
import { AtoEntity } from '../entities/ato.entity';
import { TrainerEntity } from '../entities/trainer.entity';

/** The unique index behind "one person is a trainer at an ATO once", and what a clash means. */
export const TRAINER_UNIQUE_VIOLATIONS = {
  uq_trainer_ato_candidate: 'This candidate is already a trainer at this ATO',
} as const;

/** An ATO adds a trainer, identified by the candidate id that holds their certificates. */
export async function addTrainer(
  context: ServiceContext,
  atoId: string,
  trainer: { candidateId: string; name: string },
): Promise<TrainerEntity> {
  return context.dataSource.transaction(async (manager) => {
    const ato = await manager.getRepository(AtoEntity).findOneBy({ id: atoId });
    if (!ato) throw refuse.notFound(`No ATO with id ${atoId}`);
    // Named here for a clear message; a concurrent twin is caught by the unique index (CONFLICT too).
    const existing = await manager
      .getRepository(TrainerEntity)
      .findOneBy({ atoId, candidateId: trainer.candidateId });
    if (existing)
      throw refuse.conflict(
        `Candidate ${trainer.candidateId} is already a trainer at this ATO (trainer ${existing.id})`,
      );
    const added = manager.create(TrainerEntity, {
      id: randomUUID(),
      atoId,
      candidateId: trainer.candidateId,
      name: trainer.name,
      addedAt: new Date(),
    });
    await manager.insert(TrainerEntity, added);
    return added;
  });
}
