import { subgraphCodegenConfig } from '../../tools/dev/src/codegen-config';

// Resolver types for this subgraph; `mappers` names the model each GraphQL type resolves from.
export default subgraphCodegenConfig({
  CertifiedOrganization: '../entities/certified-organization.entity#CertifiedOrganizationEntity',
  OrganizationCertification: '../entities/organization-certification.entity#OrganizationCertificationEntity',
  CertificationHistoryEntry: '../entities/certification-history.entity#CertificationHistoryEntity',
  OrganizationCertificationVerification:
    '../entities/organization-certification.entity#OrganizationCertificationEntity',
  WasCertifiedAnswer: '../queries/was-certified#WasCertifiedResult',
  WasCertifiedMatch: '../queries/was-certified#WasCertifiedMatchResult',
  CertificateNumberVerification: '../queries/verify-certificate-number#CertificateNumberMatches',
  UpsertCertificationRecordResult: '../commands/import-certifications#UpsertRecordResult',
  OrganizationCertificationPayload: '../commands/certification-change#CertificationPayload',
  CertificationTransfer: '../entities/certification-transfer.entity#CertificationTransferEntity',
  CertificationTransferPayload: '../commands/transfer-rows#TransferPayload',
  CertificationFlag: '../queries/certification-flags#FlagView',
  RcbFlagSummary: '../queries/certification-flags#RcbFlagSummaryRow',
  RcbRegistryFreshness: '../queries/rcb-freshness#RcbFreshnessView',
  CertificationUpload: '../entities/certification-upload.entity#CertificationUploadEntity',
  CertificationUploadResult: '../entities/certification-upload.entity#CertificationUploadResultEntity',
  CertificationUploadTemplate: '../queries/certification-uploads#UploadTemplate',
  TransferAuthorization: '../commands/issue-transfer-authorization#IssuedTransferAuthorization',
  SignedRegistryRecord: '../credentials/signed-record#SignedRecord',
  RegistryStatusList: '../credentials/status-lists#SignedRegistryStatusList',
});
