import { canSeeCertification, canSeeOrganization } from '../access';
import type { ServiceContext } from '../context';
import type {
  CertifiedOrganizationResolvers,
  WasCertifiedAnswerResolvers,
  WasCertifiedMatchResolvers,
} from '../generated/graphql';

export const certifiedOrganizationResolvers: CertifiedOrganizationResolvers<ServiceContext> = {
  __resolveReference: async (reference, ctx) => {
    const org = await ctx.loaders.organizationById.load(reference.id);
    return org && (await canSeeOrganization(ctx, org)) ? org : null;
  },
  certifications: (org, _args, ctx) => ctx.loaders.certificationsByOrganizationId.load(org.id),
};

export const wasCertifiedAnswerResolvers: WasCertifiedAnswerResolvers<ServiceContext> = {
  rcb: (answer) => (answer.rcbId ? { __typename: 'Rcb' as const, id: answer.rcbId } : null),
  certification: async (answer, _args, ctx) => {
    if (!answer.certificationId) return null;
    const certification = await ctx.loaders.certificationById.load(answer.certificationId);
    return certification && (await canSeeCertification(ctx, certification)) ? certification : null;
  },
};

export const wasCertifiedMatchResolvers: WasCertifiedMatchResolvers<ServiceContext> = {
  rcb: (match) => ({ __typename: 'Rcb' as const, id: match.rcbId }),
  rcbName: async (match, _args, ctx) => (await ctx.loaders.rcbById.load(match.rcbId))?.name ?? null,
  certification: async (match, _args, ctx) => {
    const certification = await ctx.loaders.certificationById.load(match.certificationId);
    return certification && (await canSeeCertification(ctx, certification)) ? certification : null;
  },
};
