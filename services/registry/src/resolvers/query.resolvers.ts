import { requireRole } from '@iso20000/auth';
import { badUserInput, clampPageSize, decodeCursor, encodeCursor } from '@iso20000/service-kit';
import type { ServiceContext } from '../context';
import { OrganizationCertificationEntity } from '../entities/organization-certification.entity';
import { RcbEntity } from '../entities/rcb.entity';
import type { QueryResolvers } from '../generated/graphql';
import { requireUuid } from './certification-mutations';
import {
  connection,
  effectiveStatusSql,
  searchCertifiedOrganizations,
} from './certified-organization-search';
import { canSeeCertification } from './visibility';
import { wasCertified } from './was-certified';

export const queryResolvers: QueryResolvers<ServiceContext> = {
  certifiedOrganizations: (_parent, args, ctx) =>
    searchCertifiedOrganizations(ctx, args.filter, args, ctx.today),

  // Anyone holding a certificate number may verify it, listed or not: that is what the number is for.
  verifyOrganizationCertification: async (_parent, args, ctx) => {
    const certificateNumber = args.certificateNumber.trim();
    if (!certificateNumber || certificateNumber.length > 100)
      throw badUserInput('certificateNumber must be 1 to 100 characters');
    const query = ctx.dataSource
      .getRepository(OrganizationCertificationEntity)
      .createQueryBuilder('c')
      .innerJoinAndSelect('c.organization', 'o')
      // the RCB's name and status in the same statement: verification is the hottest public path
      .leftJoinAndMapOne('c.rcbRecord', RcbEntity, 'r', 'r.id = c.rcb_id')
      // no LIMIT: with joins TypeORM would add a second query; a number is held by few RCBs anyway
      .where('c.certificate_number = :certificateNumber', { certificateNumber });
    if (args.rcbId) query.andWhere('c.rcb_id = :rcbId', { rcbId: requireUuid(args.rcbId, 'rcbId') });
    const found = await query.getMany();
    if (found.length > 1) {
      throw badUserInput(
        `certificate number ${certificateNumber} is used by ${found.length} RCBs: pass rcbId to say which`,
        {
          rcbIds: found.map((c) => c.rcbId),
        },
      );
    }
    const certification = found[0] ?? null;
    if (certification?.organization)
      ctx.loaders.organizationById.prime(certification.organizationId, certification.organization);
    if (certification) ctx.loaders.rcbById.prime(certification.rcbId, certification.rcbRecord ?? null);
    return certification;
  },

  organizationCertification: async (_parent, args, ctx) => {
    let certification: OrganizationCertificationEntity | null = null;
    if (args.id) {
      certification = await ctx.loaders.certificationById.load(requireUuid(args.id, 'id'));
    } else if (args.certificateNumber) {
      const rcbId = args.rcbId ?? ctx.viewer.rcbId;
      if (!rcbId)
        throw badUserInput('pass rcbId with certificateNumber (certificate numbers are unique per RCB)');
      certification = await ctx.dataSource
        .getRepository(OrganizationCertificationEntity)
        .findOneBy({ rcbId: requireUuid(rcbId, 'rcbId'), certificateNumber: args.certificateNumber.trim() });
    } else {
      throw badUserInput('pass id, or certificateNumber (with rcbId)');
    }
    return certification && (await canSeeCertification(ctx, certification)) ? certification : null;
  },

  wasCertified: (_parent, args, ctx) => wasCertified(ctx, args),

  rcbCertifications: async (_parent, args, ctx) => {
    requireRole(ctx.viewer, 'rcb_integration');
    const first = clampPageSize(args.first, 100, 20);
    const query = ctx.dataSource
      .getRepository(OrganizationCertificationEntity)
      .createQueryBuilder('c')
      .where('c.rcb_id = :rcbId', { rcbId: ctx.viewer.rcbId })
      .setParameter('today', ctx.today)
      .orderBy('c.certificate_number', 'ASC');
    if (args.status) query.andWhere(effectiveStatusSql('c', args.status));
    if (args.after) {
      const [afterNumber] = decodeCursor(args.after);
      if (typeof afterNumber !== 'string')
        throw badUserInput('The `after` cursor is not one this list issued');
      query.andWhere('c.certificate_number > :afterNumber', { afterNumber });
    }
    const rows = await query.limit(first + 1).getMany();
    return connection(rows, first, (row) => encodeCursor([row.certificateNumber]));
  },
};
