import { scalarResolvers } from '@iso20000/service-kit';
import type { ServiceContext } from '../context';
import type { Resolvers } from '../generated/graphql';
import { certificationMutations } from './certification-mutations';
import {
  certifiedOrganizationResolvers,
  wasCertifiedAnswerResolvers,
} from './certified-organization.resolvers';
import {
  certificationHistoryEntryResolvers,
  organizationCertificationResolvers,
  verificationResolvers,
} from './organization-certification.resolvers';
import { queryResolvers } from './query.resolvers';
import { upsertCertifications } from './upsert-certifications';

export const resolvers: Resolvers<ServiceContext> = {
  ...scalarResolvers,
  Query: queryResolvers,
  Mutation: { ...certificationMutations, upsertCertifications },
  CertifiedOrganization: certifiedOrganizationResolvers,
  OrganizationCertification: organizationCertificationResolvers,
  OrganizationCertificationVerification: verificationResolvers,
  CertificationHistoryEntry: certificationHistoryEntryResolvers,
  WasCertifiedAnswer: wasCertifiedAnswerResolvers,
};
