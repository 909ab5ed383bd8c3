import { randomUUID } from 'node:crypto';
import { requireAtoAccess } from '@iso20000/auth';
import { clampPageSize, conflict, notFound } from '@iso20000/service-kit';
import { requireOwnAto } from '../access';
import { AtoEntity } from '../entities/ato.entity';
import { CourseEntity } from '../entities/course.entity';
import { TrainerEntity } from '../entities/trainer.entity';
import type { Resolvers } from '../generated/graphql';
import { eligibilityOf } from '../operations/trainer-eligibility';
import { lockedRow } from '../operations/row-lock';
import { nameCursor, toConnection } from '../pagination';
import { parseInput, today, trainerInput, uuid } from '../validation';

export const trainerResolvers: Resolvers = {
  Mutation: {
    async addTrainer(_parent, { atoId, input }, context) {
      requireAtoAccess(context.viewer, atoId);
      const valid = parseInput(trainerInput, input);
      return context.dataSource.transaction(async (manager) => {
        const ato = await manager.getRepository(AtoEntity).findOneBy({ id: atoId });
        if (!ato) throw notFound(`No ATO with id ${atoId}`);
        const existing = await manager
          .getRepository(TrainerEntity)
          .findOneBy({ atoId, candidateId: valid.candidateId });
        if (existing)
          throw conflict(
            `Candidate ${valid.candidateId} is already a trainer at this ATO (trainer ${existing.id})`,
          );
        const trainer = manager.create(TrainerEntity, {
          id: randomUUID(),
          atoId,
          candidateId: valid.candidateId,
          name: valid.name,
          addedAt: new Date(),
        });
        await manager.insert(TrainerEntity, trainer);
        return trainer;
      });
    },
    async removeTrainer(_parent, { trainerId }, context) {
      const id = parseInput(uuid, trainerId, 'trainerId');
      return context.dataSource.transaction(async (manager) => {
        const trainer = await lockedRow(manager, TrainerEntity, id, 'trainer');
        requireAtoAccess(context.viewer, trainer.atoId);
        const upcoming = await manager
          .getRepository(CourseEntity)
          .createQueryBuilder('c')
          .where('c.trainer_id = :id AND (c.ends_on IS NULL OR c.ends_on >= :today)', { id, today: today() })
          .getCount();
        if (upcoming > 0)
          throw conflict(
            `${trainer.name} still delivers ${upcoming} current or upcoming course(s); assign another trainer first`,
          );
        // Past courses keep no link to a trainer who left.
        await manager.update(CourseEntity, { trainerId: id }, { trainerId: null });
        await manager.delete(TrainerEntity, { id });
        return trainer;
      });
    },
  },
  Ato: {
    async trainers(ato, { first, after }, context) {
      requireOwnAto(context.viewer, ato.id, 'trainers');
      const size = clampPageSize(first);
      const cursor = nameCursor(after);
      const query = context.dataSource
        .getRepository(TrainerEntity)
        .createQueryBuilder('t')
        .where('t.ato_id = :atoId', { atoId: ato.id });
      if (cursor)
        query.andWhere('(t.name, t.id) > (:afterName, :afterId)', {
          afterName: cursor[0],
          afterId: cursor[1],
        });
      const rows = await query
        .orderBy('t.name', 'ASC')
        .addOrderBy('t.id', 'ASC')
        .limit(size + 1)
        .getMany();
      return toConnection(rows, size, (trainer) => [trainer.name, trainer.id]);
    },
  },
  Trainer: {
    async ato(trainer, _args, context) {
      const ato = await context.loaders.atoById.load(trainer.atoId);
      if (!ato) throw new Error(`trainer ${trainer.id} has no ATO`);
      return ato;
    },
    eligibility: (trainer, _args, context) => eligibilityOf(context, trainer),
  },
};
