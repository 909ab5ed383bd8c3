import { parseId, refuse } from '@iso20000/service-kit';
import { requireHolder } from '../access';
import { claimCertificateBadge } from '../commands/claim-certificate-badge';
import { examTitle, publicUrls } from '../credentials/credential-documents';
import { badgeEmbeds } from '../domain/badge-embed';
import { verificationOf } from '../domain/verification';
import type { Resolvers } from '../generated/graphql';
import { currentCredential } from './certificate.resolvers';
import type { BadgeParent } from './parents';
import type { ServiceContext } from '../context';

export const badgeResolvers: Resolvers = {
  Query: {
    // Public: a badge's id is long and random, and the page shows only what the certificate shows.
    async certificateBadge(_parent, { id }, context) {
      const badge = await context.loaders.badgeById.load(parseId(id, 'id'));
      if (!badge) return null;
      const certificate = await context.loaders.certificateById.load(badge.certificateId);
      return certificate ? { badge, certificate } : null;
    },
  },

  Mutation: {
    async claimCertificateBadge(_parent, { certificateId }, context) {
      const certificate = await context.loaders.certificateById.load(parseId(certificateId, 'certificateId'));
      if (!certificate) throw refuse.notFound(`No certificate ${certificateId}`);
      requireHolder(context.viewer, certificate);
      const badge = await claimCertificateBadge(context.dataSource, { certificate });
      return { badge, certificate };
    },
  },

  CertificateBadge: {
    id: ({ badge }) => badge.id,
    claimedAt: ({ badge }) => badge.claimedAt,
    certificate: ({ certificate }) => certificate,
    pageUrl: ({ badge }, _args, context) => publicUrls(context.issuer.profile).badgePage(badge.id),
    async credential({ certificate }, _args, context) {
      const credential = await currentCredential(context, certificate);
      if (!credential) throw new Error(`certificate ${certificate.id} has a badge but no credential`);
      return credential;
    },
    embeds: (parent, _args, context) => embedsOf(parent, context),
  },

  CertificateBadgePage: {
    id: ({ badge }) => badge.id,
    pageUrl: ({ badge }, _args, context) => publicUrls(context.issuer.profile).badgePage(badge.id),
    verification: ({ certificate }) => verificationOf(certificate),
    async credentialJwt({ certificate }, _args, context) {
      if (certificate.status !== 'ISSUED') return null;
      return (await currentCredential(context, certificate))?.jwt ?? null;
    },
    embeds: (parent, _args, context) => embedsOf(parent, context),
  },
};

function embedsOf({ badge, certificate }: BadgeParent, context: ServiceContext) {
  const urls = publicUrls(context.issuer.profile);
  return badgeEmbeds({
    badgePageUrl: urls.badgePage(badge.id),
    verificationUrl: urls.verification(certificate.number),
    imageUrl: urls.badgeImage(certificate.examCode),
    title: examTitle(certificate.examCode),
    holderName: certificate.holderName,
    number: certificate.number,
  });
}
