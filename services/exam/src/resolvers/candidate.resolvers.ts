import { isSchemeStaff, requireAuthenticated, requireRole } from '@iso20000/auth';
import { forbidden } from '@iso20000/service-kit';
import { CandidateEntity } from '../entities/candidate.entity';
import { SittingEntity } from '../entities/sitting.entity';
import type { Resolvers } from '../generated/graphql';
import { paginate } from './pagination';
import { SITTING_ORDER } from './sitting-order';

export const candidateResolvers: Resolvers = {
  Query: {
    me: async (_p, _a, ctx) => {
      requireRole(ctx.viewer, 'candidate');
      const id = ctx.viewer.candidateId;
      if (!id) throw forbidden('your sign-in carries no candidate id');
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
      const viewer = ctx.viewer;
      if (isSchemeStaff(viewer)) return candidate.name;
      if (viewer.role === 'candidate' && viewer.candidateId === candidate.id) return candidate.name;
      if (
        viewer.role === 'ato_staff' &&
        viewer.atoId &&
        (await ctx.loaders.atoHasCandidate.load(`${viewer.atoId}:${candidate.id}`))
      )
        return candidate.name;
      requireAuthenticated(viewer);
      throw forbidden("Only the candidate, their ATO or scheme staff may see a candidate's name");
    },
    sittings: (candidate, { first, after }, ctx) => {
      const viewer = ctx.viewer;
      const qb = ctx.dataSource.manager
        .createQueryBuilder(SittingEntity, 's')
        .where('s.candidateId = :candidateId', { candidateId: candidate.id });
      if (viewer.role === 'ato_staff' && viewer.atoId)
        qb.andWhere('s.atoId = :atoId', { atoId: viewer.atoId });
      else if (
        !isSchemeStaff(viewer) &&
        !(viewer.role === 'candidate' && viewer.candidateId === candidate.id)
      ) {
        requireAuthenticated(viewer);
        throw forbidden("Only the candidate, their ATO or scheme staff may see a candidate's sittings");
      }
      return paginate(qb, SITTING_ORDER, { first, after });
    },
  },
};
