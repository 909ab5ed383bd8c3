import { subgraphCodegenConfig } from '../../tools/dev/src/codegen-config';

// Resolver types for this subgraph; `mappers` names the model each GraphQL type resolves from.
export default subgraphCodegenConfig({
  Certificate: '../entities/certificate.entity#CertificateEntity',
  CertificateVersion: '../entities/certificate-version.entity#CertificateVersionEntity',
  CertificateBadge: '../resolvers/parents#BadgeParent',
  HardCopyOrder: '../entities/hard-copy-order.entity#HardCopyOrderEntity',
  CertificateCredential: '../resolvers/parents#CredentialParent',
  CertificateBadgePage: '../resolvers/parents#BadgeParent',
  Candidate: '../resolvers/parents#EntityRef',
  Sitting: '../resolvers/parents#EntityRef',
});
