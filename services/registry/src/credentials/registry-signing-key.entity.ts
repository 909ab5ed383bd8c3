import { Column, Entity, PrimaryColumn } from 'typeorm';

/**
 * Development only: the registry's generated signing key, kept so signed records issued before a
 * restart still verify. Production takes the key from REGISTRY_SIGNING_KEY and never writes this table.
 */
@Entity({ name: 'registry_signing_key' })
export class RegistrySigningKeyEntity {
  @PrimaryColumn({ type: 'text', name: 'id', primaryKeyConstraintName: 'pk_registry_signing_key' })
  id!: string;

  @Column({ type: 'jsonb', name: 'private_jwk' })
  privateJwk!: Record<string, unknown>;

  @Column({ type: 'timestamp with time zone', name: 'created_at' })
  createdAt!: Date;
}
