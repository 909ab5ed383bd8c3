import { requireRcbAccess } from '@iso20000/auth';
import { clampPageSize, conflict, notFound } from '@iso20000/service-kit';
import type { EntityManager } from 'typeorm';
import { requireOwnRcb } from '../access';
import type { ServiceContext } from '../context';
import { RcbCredentialEntity } from '../entities/rcb-credential.entity';
import { RcbEntity } from '../entities/rcb.entity';
import type { Resolvers } from '../generated/graphql';
import { issueRcbCredential, revokeRcbCredential } from '../operations/rcb-credentials';
import { lockedRow } from '../operations/row-lock';
import { instantCursor, iso, toConnection } from '../pagination';
import { credentialLabel, parseInput, uuid } from '../validation';

/** Loads a credential for change, checking the viewer may manage that RCB's credentials. */
async function lockCredential(
  context: ServiceContext,
  manager: EntityManager,
  credentialId: string,
): Promise<RcbCredentialEntity> {
  const id = parseInput(uuid, credentialId, 'credentialId');
  // Same answer for "absent" and "someone else's": an RCB learns nothing about others' credentials.
  const credential = await lockedRow(manager, RcbCredentialEntity, id, 'credential');
  try {
    requireRcbAccess(context.viewer, credential.rcbId);
  } catch (error) {
    if (context.viewer.role === 'rcb_integration') throw notFound(`No credential with id ${credentialId}`);
    throw error;
  }
  if (credential.revokedAt)
    throw conflict(`Credential ${credentialId} was already revoked on ${credential.revokedAt.toISOString()}`);
  return credential;
}

export const rcbCredentialResolvers: Resolvers = {
  Mutation: {
    async createRcbCredential(_parent, { rcbId, label }, context) {
      requireRcbAccess(context.viewer, rcbId);
      const cleanLabel = parseInput(credentialLabel, label, 'label');
      return context.dataSource.transaction(async (manager) => {
        const rcb = await manager
          .getRepository(RcbEntity)
          .findOne({ where: { id: rcbId }, lock: { mode: 'pessimistic_read' } });
        if (!rcb) throw notFound(`No RCB with id ${rcbId}`);
        if (rcb.status !== 'APPOINTED' && rcb.status !== 'SUSPENDED') {
          throw conflict(`Only an appointed RCB gets integration credentials; this one is ${rcb.status}`);
        }
        return issueRcbCredential(manager, context, rcbId, cleanLabel, null);
      });
    },
    async rotateRcbCredential(_parent, { credentialId }, context) {
      return context.dataSource.transaction(async (manager) => {
        const old = await lockCredential(context, manager, credentialId);
        const issued = await issueRcbCredential(manager, context, old.rcbId, old.label, old.id);
        await revokeRcbCredential(manager, context, old);
        return issued;
      });
    },
    async revokeRcbCredential(_parent, { credentialId }, context) {
      return context.dataSource.transaction(async (manager) =>
        revokeRcbCredential(manager, context, await lockCredential(context, manager, credentialId)),
      );
    },
  },
  Rcb: {
    async credentials(rcb, { first, after, includeRevoked }, context) {
      requireOwnRcb(context.viewer, rcb.id, 'credentials');
      const size = clampPageSize(first);
      const cursor = instantCursor(after);
      const query = context.dataSource
        .getRepository(RcbCredentialEntity)
        .createQueryBuilder('c')
        .where('c.rcb_id = :rcbId', { rcbId: rcb.id });
      if (!includeRevoked) query.andWhere('c.revoked_at IS NULL');
      if (cursor)
        query.andWhere('(c.created_at, c.id) > (:afterAt, :afterId)', {
          afterAt: cursor[0],
          afterId: cursor[1],
        });
      const rows = await query
        .orderBy('c.created_at', 'ASC')
        .addOrderBy('c.id', 'ASC')
        .limit(size + 1)
        .getMany();
      return toConnection(rows, size, (credential) => [iso(credential.createdAt), credential.id]);
    },
  },
};
