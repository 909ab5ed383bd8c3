import { Column, Entity, Index, JoinColumn, ManyToOne, PrimaryColumn, Unique } from 'typeorm';
import { OrganizationCertificationEntity } from './organization-certification.entity';

/**
 * A one-time transfer code: the issuing RCB (or scheme staff) hands it to the certified organization,
 * which gives it to the RCB it wants to move to; the request carrying it is the organization's
 * authorization. Only its sha256 is kept (the code is 144 random bits: a fast hash suffices, and a
 * copy of the table authorizes nothing).
 */
@Entity({ name: 'transfer_authorization' })
@Unique('uq_transfer_authorization_code', ['codeHash'])
@Index('ix_transfer_authorization_certification', ['certificationId', 'issuedAt'])
export class TransferAuthorizationEntity {
  @PrimaryColumn({ type: 'uuid', name: 'id', primaryKeyConstraintName: 'pk_transfer_authorization' })
  id!: string;

  @Column({ type: 'uuid', name: 'certification_id' })
  certificationId!: string;

  @ManyToOne(() => OrganizationCertificationEntity, { onDelete: 'RESTRICT' })
  @JoinColumn({
    name: 'certification_id',
    foreignKeyConstraintName: 'fk_transfer_authorization_certification',
  })
  certification?: OrganizationCertificationEntity;

  @Column({ type: 'text', name: 'code_hash' })
  codeHash!: string;

  /** Who issued it: `credential:<id>` of the issuing RCB or `staff:<sub>`. */
  @Column({ type: 'text', name: 'issued_by' })
  issuedBy!: string;

  @Column({ type: 'timestamptz', name: 'issued_at' })
  issuedAt!: Date;

  @Column({ type: 'timestamptz', name: 'expires_at' })
  expiresAt!: Date;

  /** Set when a transfer request used it: it authorizes one request only. */
  @Column({ type: 'timestamptz', name: 'used_at', nullable: true })
  usedAt!: Date | null;

  /** Set when a newer code replaced it before use. */
  @Column({ type: 'timestamptz', name: 'revoked_at', nullable: true })
  revokedAt!: Date | null;
}
