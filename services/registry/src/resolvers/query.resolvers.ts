import { requireRole } from '@iso20000/auth';
import { paginate, parseId, refuse } from '@iso20000/service-kit';
import { canSeeCertification } from '../access';
import type { ServiceContext } from '../context';
import { OrganizationCertificationEntity } from '../entities/organization-certification.entity';
import type { QueryResolvers } from '../generated/graphql';
import { effectiveStatusSql, searchCertifiedOrganizations } from '../queries/certified-organization-search';
import { flagQueryResolvers } from './certification-flag.resolvers';
import { transferQueryResolvers } from './certification-transfer.resolvers';
import { uploadQueryResolvers } from './certification-upload.resolvers';
import { freshnessQueryResolvers } from './rcb-freshness.resolvers';
import { parseCertificateNumber } from './inputs';
import { signedRecordQueryResolvers } from './signed-record.resolvers';
import { certificationsNumbered } from '../queries/verify-certificate-number';
import { wasCertified } from '../queries/was-certified';

/** Verification read the organization and the RCB in its own statement: the fields below reuse them. */
function primeVerified(ctx: ServiceContext, matches: OrganizationCertificationEntity[]): void {
  for (const certification of matches) {
    if (certification.organization)
      ctx.loaders.organizationById.prime(certification.organizationId, certification.organization);
    ctx.loaders.rcbById.prime(certification.rcbId, certification.rcbRecord ?? null);
  }
}

export const queryResolvers: QueryResolvers<ServiceContext> = {
  ...transferQueryResolvers,
  ...flagQueryResolvers,
  ...freshnessQueryResolvers,
  ...uploadQueryResolvers,
  ...signedRecordQueryResolvers,
  certifiedOrganizations: (_parent, args, ctx) =>
    searchCertifiedOrganizations(ctx.dataSource, args.filter, args, ctx.today),

  // Anyone holding a certificate number may verify it, listed or not: that is what the number is for.
  verifyOrganizationCertification: async (_parent, args, ctx) => {
    const certificateNumber = parseCertificateNumber(args.certificateNumber);
    const rcbId = args.rcbId ? parseId(args.rcbId, 'rcbId') : null;
    await ctx.verificationBudget.spend(ctx.rateLimitKey, 'verifications');
    const { matches } = await certificationsNumbered(ctx.dataSource, certificateNumber);
    primeVerified(ctx, matches);
    const found = rcbId ? matches.filter((c) => c.rcbId === rcbId) : matches;
    if (found.length > 1) {
      // never one picked: the answer names every RCB that uses the number
      throw refuse.badInput(
        `certificate number ${certificateNumber} is used by ${found.length} RCBs (${found
          .map((c) => c.rcbRecord?.name ?? c.rcbId)
          .join(', ')}): pass rcbId to say which, or ask verifyCertificateNumber for every match`,
        { rcbIds: found.map((c) => c.rcbId) },
      );
    }
    return found[0] ?? null;
  },

  verifyCertificateNumber: async (_parent, args, ctx) => {
    const certificateNumber = parseCertificateNumber(args.certificateNumber);
    await ctx.verificationBudget.spend(ctx.rateLimitKey, 'verifications');
    const answer = await certificationsNumbered(ctx.dataSource, certificateNumber);
    primeVerified(ctx, answer.matches);
    return answer;
  },

  organizationCertification: async (_parent, args, ctx) => {
    let certification: OrganizationCertificationEntity | null = null;
    if (args.id) {
      certification = await ctx.loaders.certificationById.load(parseId(args.id, 'id'));
    } else if (args.certificateNumber) {
      const rcbId = args.rcbId ?? ctx.viewer.rcbId;
      if (!rcbId)
        throw refuse.badInput('pass rcbId with certificateNumber (certificate numbers are unique per RCB)');
      // By number the public can probe numbers: it spends the verification budget (staff and RCBs are known).
      if (!ctx.viewer.subject) await ctx.verificationBudget.spend(ctx.rateLimitKey, 'verifications');
      certification = await ctx.dataSource.getRepository(OrganizationCertificationEntity).findOneBy({
        rcbId: parseId(rcbId, 'rcbId'),
        certificateNumber: parseCertificateNumber(args.certificateNumber),
      });
    } else {
      throw refuse.badInput('pass id, or certificateNumber (with rcbId)');
    }
    return certification && (await canSeeCertification(ctx, certification)) ? certification : null;
  },

  wasCertified: async (_parent, args, ctx) => {
    const query = {
      certificateNumber: parseCertificateNumber(args.certificateNumber),
      rcbId: args.rcbId ? parseId(args.rcbId, 'rcbId') : null,
      on: args.on,
    };
    await ctx.verificationBudget.spend(ctx.rateLimitKey, 'verifications');
    return wasCertified(ctx.dataSource, query);
  },

  rcbCertifications: (_parent, args, ctx) => {
    requireRole(ctx.viewer, 'rcb_integration');
    const query = ctx.dataSource
      .getRepository(OrganizationCertificationEntity)
      .createQueryBuilder('c')
      .where('c.rcb_id = :rcbId', { rcbId: ctx.viewer.rcbId })
      .setParameter('today', ctx.today);
    if (args.status) query.andWhere(effectiveStatusSql('c', args.status));
    return paginate(
      query,
      [
        {
          sql: 'c.certificate_number',
          cast: 'text',
          orderBy: 'c.certificateNumber',
          value: (row) => row.certificateNumber,
        },
      ],
      args,
    );
  },
};
