import { clampPageSize, decodeCursorAs, toConnection } from '@iso20000/service-kit';
import { canChangeOrAdminister, canSeeCertification, requireHistoryAccess } from '../access';
import type { ServiceContext } from '../context';
import { canSeeTransfer } from './certification-transfer.resolvers';
import { freshnessOf } from './rcb-freshness.resolvers';
import { stateOf } from '../commands/certification-rows';
import { signRecord } from '../credentials/signed-record';
import { flagsOf } from '../domain/certification-flags';
import { effectiveStatus } from '../domain/certification-lifecycle';
import { CertificationHistoryEntity } from '../entities/certification-history.entity';
import type { OrganizationCertificationEntity } from '../entities/organization-certification.entity';
import type { RcbEntity } from '../entities/rcb.entity';
import type {
  CertificateNumberVerificationResolvers,
  CertificationHistoryEntryResolvers,
  OrganizationCertificationResolvers,
  OrganizationCertificationVerificationResolvers,
} from '../generated/graphql';

const rcbRef = (id: string) => ({ __typename: 'Rcb' as const, id });

async function organizationOf(ctx: ServiceContext, certification: OrganizationCertificationEntity) {
  const org =
    certification.organization ?? (await ctx.loaders.organizationById.load(certification.organizationId));
  if (!org)
    throw new Error(`certification ${certification.id} has no organization ${certification.organizationId}`);
  return org;
}

/**
 * A field of the certification's RCB. The RCB usually came in the certification's own statement: read
 * at once then, without a promise per row (a public page lists hundreds of certifications).
 */
function rcbField<K extends 'name' | 'status'>(
  ctx: ServiceContext,
  certification: OrganizationCertificationEntity,
  key: K,
): RcbEntity[K] | Promise<RcbEntity[K] | null> {
  if (certification.rcbRecord) return certification.rcbRecord[key];
  return ctx.loaders.rcbById.load(certification.rcbId).then((rcb) => rcb?.[key] ?? null);
}

/** The history entries that change (or restart) a certification's status. */
const STATUS_CHANGES = ['ISSUED', 'SUSPENDED', 'REINSTATED', 'WITHDRAWN', 'EXPIRED', 'RECERTIFIED'];

export const organizationCertificationResolvers: OrganizationCertificationResolvers<ServiceContext> = {
  __resolveReference: async (reference, ctx) => {
    const certification = await ctx.loaders.certificationById.load(reference.id);
    return certification && (await canSeeCertification(ctx, certification)) ? certification : null;
  },
  organization: (certification, _args, ctx) => organizationOf(ctx, certification),
  rcb: (certification) => rcbRef(certification.rcbId),
  rcbName: (certification, _args, ctx) => rcbField(ctx, certification, 'name'),
  rcbStatus: (certification, _args, ctx) => rcbField(ctx, certification, 'status'),
  status: (certification, _args, ctx) => effectiveStatus(certification, ctx.today),
  rcbDataFreshness: (certification, _args, ctx) => freshnessOf(ctx, certification.rcbId),
  version: (certification, _args, ctx) =>
    canChangeOrAdminister(ctx.viewer, certification) ? certification.version : null,
  flags: async (certification, args, ctx) => {
    if (!canChangeOrAdminister(ctx.viewer, certification)) return null;
    const asOf = args.asOf ?? ctx.today;
    const rcb = await ctx.loaders.rcbById.load(certification.rcbId);
    return flagsOf(
      {
        state: stateOf(certification),
        transferDeadline: certification.transferDeadline,
        rcbStatus: rcb?.status ?? null,
      },
      asOf,
    ).map((flag) => ({ ...flag, certificationId: certification.id, raisedOn: null }));
  },
  openTransfer: async (certification, _args, ctx) => {
    const transfer = await ctx.loaders.openTransferByCertificationId.load(certification.id);
    return transfer && canSeeTransfer(ctx, transfer) ? transfer : null;
  },
  history: async (certification, args, ctx) => {
    await requireHistoryAccess(ctx, certification);
    const first = clampPageSize(args.first, 100, 20);
    const query = ctx.dataSource
      .getRepository(CertificationHistoryEntity)
      .createQueryBuilder('h')
      .where('h.certification_id = :id', { id: certification.id })
      .orderBy('h.version', 'DESC');
    const after = decodeCursorAs(args.after, ['number']);
    if (after) query.andWhere('h.version < :afterVersion', { afterVersion: Number(after[0]) });
    const rows = await query.limit(first + 1).getMany();
    return toConnection(rows, first, (row) => [String(row.version)]);
  },
  // The public part of the history: status only, never the actor or the RCB's notes.
  statusChanges: (certification, _args, ctx) =>
    ctx.dataSource
      .getRepository(CertificationHistoryEntity)
      .createQueryBuilder('h')
      .where('h.certification_id = :id', { id: certification.id })
      .andWhere('h.change IN (:...changes)', { changes: STATUS_CHANGES })
      .orderBy('h.version', 'DESC')
      .limit(100)
      .getMany(),
};

export const certificationHistoryEntryResolvers: CertificationHistoryEntryResolvers<ServiceContext> = {
  rcb: (entry) => rcbRef(entry.rcbId),
  previousRcb: (entry) => (entry.previousRcbId ? rcbRef(entry.previousRcbId) : null),
  cycleStart: (entry) => entry.snapshot.cycleStart,
  expiry: (entry) => entry.snapshot.expiry,
  scope: (entry) => entry.snapshot.scope,
};

export const verificationResolvers: OrganizationCertificationVerificationResolvers<ServiceContext> = {
  valid: (certification, _args, ctx) => effectiveStatus(certification, ctx.today) === 'CERTIFIED',
  status: (certification, _args, ctx) => effectiveStatus(certification, ctx.today),
  organizationName: async (certification, _args, ctx) => (await organizationOf(ctx, certification)).legalName,
  country: async (certification, _args, ctx) => (await organizationOf(ctx, certification)).country,
  rcb: (certification) => rcbRef(certification.rcbId),
  rcbName: (certification, _args, ctx) => rcbField(ctx, certification, 'name'),
  rcbStatus: (certification, _args, ctx) => rcbField(ctx, certification, 'status'),
  certification: (certification) => certification,
  rcbDataFreshness: (certification, _args, ctx) => freshnessOf(ctx, certification.rcbId),
  registeredOn: (certification) => certification.createdAt.toISOString().slice(0, 10),
  sameNumberAtOtherRcbs: (certification) => certification.sameNumberAtOtherRcbs ?? 0,
  signedRecord: async (certification, _args, ctx) => {
    const organization = await organizationOf(ctx, certification);
    const rcb = await ctx.loaders.rcbById.load(certification.rcbId);
    return signRecord(ctx.issuer, certification, {
      organization: { legalName: organization.legalName, country: organization.country },
      rcb: { id: certification.rcbId, name: rcb?.name ?? null },
      now: ctx.now,
      today: ctx.today,
    });
  },
};

export const certificateNumberVerificationResolvers: CertificateNumberVerificationResolvers<ServiceContext> =
  {
    ambiguous: (answer) => new Set(answer.matches.map((c) => c.rcbId)).size > 1,
  };
