import { paginate, parseId } from '@iso20000/service-kit';
import { requireAtoAccess, requireOwnAto } from '../access';
import { addTrainer } from '../commands/add-trainer';
import { removeTrainer } from '../commands/remove-trainer';
import { TrainerEntity } from '../entities/trainer.entity';
import type { Resolvers } from '../generated/graphql';
import { eligibilityOf } from '../queries/trainer-eligibility';
import { parseTrainer } from './input';
import { byName } from '../queries/keyset';

export const trainerResolvers: Resolvers = {
  Mutation: {
    addTrainer(_parent, { atoId, input }, context) {
      const id = parseId(atoId, 'atoId');
      requireAtoAccess(context.viewer, id);
      return addTrainer(context, id, parseTrainer(input));
    },
    // Who may remove a trainer depends on their ATO: the command checks it once the row is locked.
    removeTrainer: (_parent, { trainerId }, context) =>
      removeTrainer(context, parseId(trainerId, 'trainerId')),
  },
  Ato: {
    trainers(ato, { first, after }, context) {
      requireOwnAto(context.viewer, ato.id, 'trainers');
      const query = context.dataSource
        .getRepository(TrainerEntity)
        .createQueryBuilder('t')
        .where('t.ato_id = :atoId', { atoId: ato.id });
      return paginate(query, byName<TrainerEntity>('t'), { first, after });
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
