import { jwksOf, type StatusPurpose } from '@iso20000/credentials';
import { refuse } from '@iso20000/service-kit';
import type { ServiceContext } from '../context';
import { MAX_REGISTRY_STATUS_LISTS } from '../credentials/registry-issuer';
import { signedRegistryStatusList } from '../credentials/status-lists';
import type {
  QueryResolvers,
  RegistryStatusListResolvers,
  RegistryStatusPurpose,
} from '../generated/graphql';

const PURPOSES: Record<RegistryStatusPurpose, StatusPurpose> = {
  SUSPENSION: 'suspension',
  REVOCATION: 'revocation',
};

/** Public, like verification: a relying party needs them to verify a signed record offline. */
export const signedRecordQueryResolvers: Pick<
  QueryResolvers<ServiceContext>,
  'registryIssuerKeys' | 'registryStatusList'
> = {
  registryIssuerKeys: (_parent, _args, ctx) => jwksOf(ctx.issuer.key),
  registryStatusList: (_parent, args, ctx) => {
    const list = args.list ?? 1;
    if (!Number.isInteger(list) || list < 1 || list > MAX_REGISTRY_STATUS_LISTS) {
      throw refuse.badInput(`list must be a status list number from 1 to ${MAX_REGISTRY_STATUS_LISTS}`, {
        field: 'list',
      });
    }
    return signedRegistryStatusList(ctx.dataSource, ctx.issuer, PURPOSES[args.purpose], list, ctx.now);
  },
};

export const registryStatusListResolvers: RegistryStatusListResolvers<ServiceContext> = {
  purpose: (statusList) => (statusList.purpose === 'suspension' ? 'SUSPENSION' : 'REVOCATION'),
};
