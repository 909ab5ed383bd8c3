import { requireRole, requireSchemeStaff } from '@iso20000/auth';
import { forbidden } from '@iso20000/service-kit';
import { canSeeCertification } from '../access';
import type { ServiceContext } from '../context';
import type {
  CertificationFlagResolvers,
  QueryResolvers,
  RcbFlagSummaryResolvers,
} from '../generated/graphql';
import { rcbWorklist, registryFlagOverview } from '../queries/certification-flags';

export const certificationFlagResolvers: CertificationFlagResolvers<ServiceContext> = {
  certification: async (flag, _args, ctx) => {
    const certification = await ctx.loaders.certificationById.load(flag.certificationId);
    return certification && (await canSeeCertification(ctx, certification)) ? certification : null;
  },
};

export const rcbFlagSummaryResolvers: RcbFlagSummaryResolvers<ServiceContext> = {
  rcb: (row) => ({ __typename: 'Rcb' as const, id: row.rcbId }),
  rcbName: async (row, _args, ctx) => (await ctx.loaders.rcbById.load(row.rcbId))?.name ?? null,
  rcbStatus: async (row, _args, ctx) => (await ctx.loaders.rcbById.load(row.rcbId))?.status ?? null,
};

export const flagQueryResolvers: Pick<
  QueryResolvers<ServiceContext>,
  'rcbWorklist' | 'registryFlagOverview'
> = {
  rcbWorklist: (_parent, args, ctx) => {
    requireRole(ctx.viewer, 'rcb_integration');
    if (!ctx.viewer.rcbId) throw forbidden('This credential is not bound to an RCB');
    return rcbWorklist(ctx.dataSource, ctx.viewer.rcbId, args);
  },
  registryFlagOverview: (_parent, args, ctx) => {
    requireSchemeStaff(ctx.viewer);
    return registryFlagOverview(ctx.dataSource, args);
  },
};
