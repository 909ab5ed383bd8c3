import { requireRole, requireSchemeStaff } from '@iso20000/auth';
import { forbidden, refuse } from '@iso20000/service-kit';
import { requireRcbIntegration } from '../access';
import { confirmRegistryData } from '../commands/confirm-registry-data';
import type { ServiceContext } from '../context';
import type { MutationResolvers, QueryResolvers, RcbRegistryFreshnessResolvers } from '../generated/graphql';
import { isStale, staleRcbs, type RcbFreshnessView } from '../queries/rcb-freshness';

/** The freshness of an RCB as the registry knows it (null when it has not heard of the RCB). */
export async function freshnessOf(ctx: ServiceContext, rcbId: string): Promise<RcbFreshnessView | null> {
  const rcb = await ctx.loaders.rcbById.load(rcbId);
  return rcb ? { rcb, staleAfterDays: ctx.settings.staleAfterDays, now: ctx.now } : null;
}

export const rcbFreshnessResolvers: RcbRegistryFreshnessResolvers<ServiceContext> = {
  rcb: (view) => ({ __typename: 'Rcb' as const, id: view.rcb.id }),
  rcbName: (view) => view.rcb.name,
  lastChangedAt: (view) => view.rcb.lastDataChangeAt,
  lastConfirmedAt: (view) => view.rcb.lastConfirmedAt,
  asOf: (view) => view.rcb.dataAsOf,
  stale: (view) => isStale(view),
  currentCertifications: (view) => view.currentCertifications ?? null,
};

export const freshnessQueryResolvers: Pick<
  QueryResolvers<ServiceContext>,
  'staleRcbs' | 'rcbRegistryFreshness'
> = {
  staleRcbs: (_parent, args, ctx) => {
    requireSchemeStaff(ctx.viewer);
    const days = args.olderThanDays ?? ctx.settings.staleAfterDays;
    if (!Number.isInteger(days) || days < 1 || days > 3650)
      throw refuse.badInput(`olderThanDays must be between 1 and 3650, got ${days}`);
    return staleRcbs(ctx.dataSource, {
      first: args.first,
      after: args.after,
      staleAfterDays: days,
      now: ctx.now,
    });
  },
  rcbRegistryFreshness: (_parent, _args, ctx) => {
    requireRole(ctx.viewer, 'rcb_integration');
    if (!ctx.viewer.rcbId) throw forbidden('This credential is not bound to an RCB');
    return freshnessOf(ctx, ctx.viewer.rcbId);
  },
};

export const freshnessMutationResolvers: Pick<MutationResolvers<ServiceContext>, 'confirmRegistryData'> = {
  confirmRegistryData: async (_parent, _args, ctx) => {
    const rcb = await confirmRegistryData(ctx.dataSource, requireRcbIntegration(ctx.viewer), ctx.now);
    return { rcb, staleAfterDays: ctx.settings.staleAfterDays, now: ctx.now };
  },
};
