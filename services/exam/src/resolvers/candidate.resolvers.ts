import { pageOfEntities } from '@iso20000/service-kit';
import { assertCanSeeCandidateName, candidateSittingsScope, signedInCandidateId } from '../access';
import { CandidateEntity } from '../entities/candidate.entity';
import { SittingEntity } from '../entities/sitting.entity';
import type { Resolvers } from '../generated/graphql';
import { SITTING_ORDER } from './sitting-order';

export const candidateResolvers: Resolvers = {
  Query: {
    me: async (_p, _a, ctx) => {
      const id = signedInCandidateId(ctx.viewer);
      const known = await ctx.loaders.candidate.load(id);
      // someone who has not registered yet is still a candidate (other subgraphs may add to "me")
      return (
        known ??
        Object.assign(new CandidateEntity(), { id, name: ctx.viewer.name ?? '', createdAt: new Date() })
      );
    },
  },
  Candidate: {
    __resolveReference: async (ref, ctx) => ctx.loaders.candidate.load(ref.id),
    name: async (candidate, _a, ctx) => {
      await assertCanSeeCandidateName(ctx.viewer, candidate.id, (atoId) =>
        ctx.loaders.atoHasCandidate.load(`${atoId}:${candidate.id}`),
      );
      return candidate.name;
    },
    sittings: (candidate, { first, after }, ctx) => {
      const scope = candidateSittingsScope(ctx.viewer, candidate.id);
      // the dashboard's list: one statement shaped once, not a query builder per request
      return pageOfEntities(
        ctx.dataSource,
        SittingEntity,
        's',
        { candidateId: candidate.id, atoId: scope.atoId ?? undefined },
        SITTING_ORDER,
        { first, after },
      );
    },
  },
};
