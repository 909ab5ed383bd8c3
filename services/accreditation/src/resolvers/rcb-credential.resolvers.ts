import { paginate, parseId } from '@iso20000/service-kit';
import { requireOwnRcb, requireRcbAccess } from '../access';
import { createRcbCredential } from '../commands/create-rcb-credential';
import { revokeRcbCredential } from '../commands/revoke-rcb-credential';
import { rotateRcbCredential } from '../commands/rotate-rcb-credential';
import { RcbCredentialEntity } from '../entities/rcb-credential.entity';
import type { Resolvers } from '../generated/graphql';
import { parseCredentialLabel } from './input';
import { byInstant } from '../queries/keyset';

export const rcbCredentialResolvers: Resolvers = {
  Mutation: {
    createRcbCredential(_parent, { rcbId, label }, context) {
      const id = parseId(rcbId, 'rcbId');
      requireRcbAccess(context.viewer, id);
      return createRcbCredential(context, id, parseCredentialLabel(label));
    },
    // Who may change a credential depends on its RCB: the command checks it once the row is locked.
    rotateRcbCredential: (_parent, { credentialId }, context) =>
      rotateRcbCredential(context, parseId(credentialId, 'credentialId')),
    revokeRcbCredential: (_parent, { credentialId }, context) =>
      revokeRcbCredential(context, parseId(credentialId, 'credentialId')),
  },
  Rcb: {
    credentials(rcb, { first, after, includeRevoked }, context) {
      requireOwnRcb(context.viewer, rcb.id, 'credentials');
      const query = context.dataSource
        .getRepository(RcbCredentialEntity)
        .createQueryBuilder('c')
        .where('c.rcb_id = :rcbId', { rcbId: rcb.id });
      if (!includeRevoked) query.andWhere('c.revoked_at IS NULL');
      return paginate(
        query,
        byInstant<RcbCredentialEntity>('c', 'created_at', 'createdAt', (credential) => credential.createdAt),
        { first, after },
      );
    },
  },
};
