import { paginate, parseId, parseText } from '@iso20000/service-kit';
import { requireRelyingPartyAdmin } from '../access';
import { createRelyingParty, revokeRelyingParty } from '../commands/relying-parties';
import { RelyingPartyEntity } from '../entities/relying-party.entity';
import type { Resolvers } from '../generated/graphql';
import { byCreation } from './inputs';

export const relyingPartyResolvers: Pick<Resolvers, 'Query' | 'Mutation'> = {
  Query: {
    relyingParties: (_parent, args, ctx) => {
      requireRelyingPartyAdmin(ctx.viewer);
      const query = ctx.dataSource.getRepository(RelyingPartyEntity).createQueryBuilder('r');
      return paginate(query, byCreation<RelyingPartyEntity>('r'), args);
    },
  },
  Mutation: {
    createRelyingParty: (_parent, { name }, ctx) => {
      requireRelyingPartyAdmin(ctx.viewer);
      return createRelyingParty(
        ctx.dataSource,
        parseText(name, { field: 'name', max: 300 }),
        ctx.viewer.subject ?? 'scheme_staff',
      );
    },
    revokeRelyingParty: (_parent, { id }, ctx) => {
      requireRelyingPartyAdmin(ctx.viewer);
      return revokeRelyingParty(ctx.dataSource, parseId(id, 'id'));
    },
  },
};
