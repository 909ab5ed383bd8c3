import { Column, Entity, Index, PrimaryColumn } from 'typeorm';

/** A relying party's credential: created by scheme staff, the key shown once, its sha256 kept. */
@Entity({ name: 'relying_party' })
@Index('IDX_relying_party_created', ['createdAt', 'id'])
export class RelyingPartyEntity {
  @PrimaryColumn({ type: 'uuid', name: 'id', primaryKeyConstraintName: 'PK_relying_party' })
  id!: string;

  @Column({ type: 'text', name: 'name' })
  name!: string;

  @Column({ type: 'text', name: 'secret_hash' })
  secretHash!: string;

  @Column({ type: 'text', name: 'created_by' })
  createdBy!: string;

  @Column({ type: 'timestamp with time zone', name: 'created_at' })
  createdAt!: Date;

  @Column({ type: 'timestamp with time zone', name: 'revoked_at', nullable: true })
  revokedAt!: Date | null;
}
