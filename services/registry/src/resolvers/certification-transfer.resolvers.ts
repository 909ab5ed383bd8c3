import { isSchemeStaff } from '@iso20000/auth';
import { paginate, parseId, refuse } from '@iso20000/service-kit';
import { canSeeCertification } from '../access';
import type { ServiceContext } from '../context';
import { CertificationTransferEntity } from '../entities/certification-transfer.entity';
import type {
  CertificationTransferResolvers,
  QueryResolvers,
  TransferAuthorizationResolvers,
} from '../generated/graphql';

const rcbRef = (id: string) => ({ __typename: 'Rcb' as const, id });

/** A transfer is the business of its two RCBs and scheme staff. */
export function canSeeTransfer(
  ctx: ServiceContext,
  transfer: Pick<CertificationTransferEntity, 'fromRcbId' | 'toRcbId'>,
): boolean {
  if (isSchemeStaff(ctx.viewer)) return true;
  const rcbId = ctx.viewer.role === 'rcb_integration' ? ctx.viewer.rcbId : undefined;
  return rcbId !== undefined && (transfer.fromRcbId === rcbId || transfer.toRcbId === rcbId);
}

export const certificationTransferResolvers: CertificationTransferResolvers<ServiceContext> = {
  certification: async (transfer, _args, ctx) => {
    const certification = await ctx.loaders.certificationById.load(transfer.certificationId);
    return certification && (await canSeeCertification(ctx, certification)) ? certification : null;
  },
  fromRcb: (transfer) => rcbRef(transfer.fromRcbId),
  toRcb: (transfer) => rcbRef(transfer.toRcbId),
  fromRcbName: async (transfer, _args, ctx) =>
    (await ctx.loaders.rcbById.load(transfer.fromRcbId))?.name ?? null,
  toRcbName: async (transfer, _args, ctx) => (await ctx.loaders.rcbById.load(transfer.toRcbId))?.name ?? null,
};

export const transferAuthorizationResolvers: TransferAuthorizationResolvers<ServiceContext> = {
  certification: (issued) => issued.certification,
};

export const transferQueryResolvers: Pick<
  QueryResolvers<ServiceContext>,
  'certificationTransfers' | 'certificationTransfer'
> = {
  certificationTransfers: (_parent, args, ctx) => {
    const staff = isSchemeStaff(ctx.viewer);
    const rcbId = ctx.viewer.role === 'rcb_integration' ? ctx.viewer.rcbId : undefined;
    if (!staff && !rcbId)
      throw refuse.forbidden('transfers are visible to the RCBs party to them and to scheme staff');
    const query = ctx.dataSource.getRepository(CertificationTransferEntity).createQueryBuilder('t');
    if (!staff || args.party) {
      if (!rcbId)
        throw refuse.badInput('party applies to an RCB integration: scheme staff see every transfer');
      if (args.party === 'ISSUING') query.where('t.from_rcb_id = :rcbId', { rcbId });
      else if (args.party === 'ACCEPTING') query.where('t.to_rcb_id = :rcbId', { rcbId });
      else query.where('(t.from_rcb_id = :rcbId OR t.to_rcb_id = :rcbId)', { rcbId });
    }
    if (args.status) query.andWhere('t.status = :status', { status: args.status });
    return paginate(
      query,
      [
        {
          sql: 't.requested_at',
          cast: 'timestamptz',
          orderBy: 't.requestedAt',
          value: (row) => row.requestedAt.toISOString(),
        },
        { sql: 't.id', cast: 'uuid', orderBy: 't.id', value: (row) => row.id },
      ],
      args,
    );
  },
  certificationTransfer: async (_parent, args, ctx) => {
    const transfer = await ctx.dataSource
      .getRepository(CertificationTransferEntity)
      .findOneBy({ id: parseId(args.id, 'id') });
    return transfer && canSeeTransfer(ctx, transfer) ? transfer : null;
  },
};
