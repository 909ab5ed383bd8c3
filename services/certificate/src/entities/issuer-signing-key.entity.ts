import { Column, Entity, PrimaryColumn } from 'typeorm';

/**
 * Development only: the generated signing key, kept so credentials signed before a restart still
 * verify. Production takes the key from CERTIFICATE_SIGNING_KEY and never writes this table.
 */
@Entity({ name: 'issuer_signing_key' })
export class IssuerSigningKeyEntity {
  @PrimaryColumn({ type: 'text', name: 'id', primaryKeyConstraintName: 'PK_issuer_signing_key' })
  id!: string;

  @Column({ type: 'jsonb', name: 'private_jwk' })
  privateJwk!: Record<string, unknown>;

  @Column({ type: 'timestamp with time zone', name: 'created_at' })
  createdAt!: Date;
}
