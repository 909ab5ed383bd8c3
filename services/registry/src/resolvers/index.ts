import { scalarResolvers } from '@iso20000/service-kit';
import type { ServiceContext } from '../context';
import type { Resolvers } from '../generated/graphql';
import {
  certifiedOrganizationResolvers,
  wasCertifiedAnswerResolvers,
  wasCertifiedMatchResolvers,
} from './certified-organization.resolvers';
import { certificationFlagResolvers, rcbFlagSummaryResolvers } from './certification-flag.resolvers';
import {
  certificationTransferResolvers,
  transferAuthorizationResolvers,
} from './certification-transfer.resolvers';
import {
  certificationUploadResolvers,
  certificationUploadResultResolvers,
} from './certification-upload.resolvers';
import { mutationResolvers } from './mutation.resolvers';
import { rcbFreshnessResolvers } from './rcb-freshness.resolvers';
import {
  certificateNumberVerificationResolvers,
  certificationHistoryEntryResolvers,
  organizationCertificationResolvers,
  verificationResolvers,
} from './organization-certification.resolvers';
import { queryResolvers } from './query.resolvers';
import { registryStatusListResolvers } from './signed-record.resolvers';

export const resolvers: Resolvers<ServiceContext> = {
  ...scalarResolvers,
  Query: queryResolvers,
  Mutation: mutationResolvers,
  CertifiedOrganization: certifiedOrganizationResolvers,
  OrganizationCertification: organizationCertificationResolvers,
  OrganizationCertificationVerification: verificationResolvers,
  CertificationHistoryEntry: certificationHistoryEntryResolvers,
  WasCertifiedAnswer: wasCertifiedAnswerResolvers,
  WasCertifiedMatch: wasCertifiedMatchResolvers,
  CertificateNumberVerification: certificateNumberVerificationResolvers,
  CertificationTransfer: certificationTransferResolvers,
  CertificationFlag: certificationFlagResolvers,
  RcbFlagSummary: rcbFlagSummaryResolvers,
  RcbRegistryFreshness: rcbFreshnessResolvers,
  CertificationUpload: certificationUploadResolvers,
  CertificationUploadResult: certificationUploadResultResolvers,
  TransferAuthorization: transferAuthorizationResolvers,
  RegistryStatusList: registryStatusListResolvers,
};
