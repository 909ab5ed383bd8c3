import type { BadgeEntity } from '../entities/badge.entity';
import type { CertificateEntity } from '../entities/certificate.entity';

/** Parents of the object types that are not a single entity (codegen mappers point here). */
export interface CredentialParent {
  jwt: string;
  statusListIndex: number;
}

export interface BadgeParent {
  badge: BadgeEntity;
  certificate: CertificateEntity;
}

/** An entity owned by another subgraph, known here by its key only. */
export interface EntityRef {
  id: string;
}
