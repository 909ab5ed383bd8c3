import { Column, Entity, Index, JoinColumn, ManyToOne, PrimaryColumn } from 'typeorm';
import { RcbEntity } from './rcb.entity';

/** An API credential of an RCB integration. The secret itself is never stored: only its sha256. */
@Entity({ name: 'rcb_credential' })
@Index('ix_rcb_credential_rcb', ['rcbId', 'createdAt', 'id'])
export class RcbCredentialEntity {
  /** The credential id that appears in the API key (rcbk_<id>_<secret>). */
  @PrimaryColumn({ type: 'uuid', name: 'id', primaryKeyConstraintName: 'pk_rcb_credential' })
  id!: string;

  @Column({ type: 'uuid', name: 'rcb_id' })
  rcbId!: string;

  @ManyToOne(() => RcbEntity, { onDelete: 'CASCADE' })
  @JoinColumn({ name: 'rcb_id', foreignKeyConstraintName: 'fk_rcb_credential_rcb' })
  rcb?: RcbEntity;

  @Column({ type: 'text', name: 'label', nullable: true })
  label!: string | null;

  @Column({ type: 'text', name: 'secret_hash' })
  secretHash!: string;

  @Column({ type: 'timestamptz', name: 'created_at' })
  createdAt!: Date;

  @Column({ type: 'text', name: 'created_by', nullable: true })
  createdBy!: string | null;

  @Column({ type: 'timestamptz', name: 'last_used_at', nullable: true })
  lastUsedAt!: Date | null;

  @Column({ type: 'timestamptz', name: 'revoked_at', nullable: true })
  revokedAt!: Date | null;

  @Column({ type: 'text', name: 'revoked_by', nullable: true })
  revokedBy!: string | null;

  @Column({ type: 'uuid', name: 'replaces_credential_id', nullable: true })
  replacesCredentialId!: string | null;
}
