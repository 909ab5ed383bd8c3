import { Column, Entity, Index, JoinColumn, ManyToOne, PrimaryColumn } from 'typeorm';
import type { PreTransferReview, TransferOutcome, TransferStatus } from '../domain/certification-transfer';
import { OrganizationCertificationEntity } from './organization-certification.entity';

/**
 * One request to move a certification to another RCB (IAF MD 2), from request to its close. At most
 * one is open (PENDING or OBJECTED) per certification: a partial unique index the migration creates.
 */
@Entity({ name: 'certification_transfer' })
@Index('uq_certification_transfer_open', { synchronize: false })
@Index('ix_certification_transfer_from', ['fromRcbId', 'requestedAt', 'id'])
@Index('ix_certification_transfer_to', ['toRcbId', 'requestedAt', 'id'])
@Index('ix_certification_transfer_due', ['status', 'objectionDeadline'])
@Index('ix_certification_transfer_certification', ['certificationId'])
export class CertificationTransferEntity {
  @PrimaryColumn({ type: 'uuid', name: 'id', primaryKeyConstraintName: 'pk_certification_transfer' })
  id!: string;

  @Column({ type: 'uuid', name: 'certification_id' })
  certificationId!: string;

  @ManyToOne(() => OrganizationCertificationEntity, { onDelete: 'RESTRICT' })
  @JoinColumn({
    name: 'certification_id',
    foreignKeyConstraintName: 'fk_certification_transfer_certification',
  })
  certification?: OrganizationCertificationEntity;

  /** The issuing RCB's number when the transfer was requested. */
  @Column({ type: 'text', name: 'certificate_number' })
  certificateNumber!: string;

  @Column({ type: 'uuid', name: 'from_rcb_id' })
  fromRcbId!: string;

  @Column({ type: 'uuid', name: 'to_rcb_id' })
  toRcbId!: string;

  /** The accepting RCB's own number for it (null: it keeps the current one). */
  @Column({ type: 'text', name: 'new_certificate_number', nullable: true })
  newCertificateNumber!: string | null;

  @Column({ type: 'text', name: 'status' })
  status!: TransferStatus;

  @Column({ type: 'jsonb', name: 'review' })
  review!: PreTransferReview;

  @Column({ type: 'text', name: 'reason', nullable: true })
  reason!: string | null;

  /** The organization's authorization: the one-time code it handed to the accepting RCB. */
  @Column({ type: 'uuid', name: 'authorization_id' })
  authorizationId!: string;

  @Column({ type: 'text', name: 'requested_by' })
  requestedBy!: string;

  @Column({ type: 'timestamptz', name: 'requested_at' })
  requestedAt!: Date;

  /** Until when the issuing RCB may object; without objection the transfer completes then. */
  @Column({ type: 'timestamptz', name: 'objection_deadline' })
  objectionDeadline!: Date;

  @Column({ type: 'text', name: 'objection', nullable: true })
  objection!: string | null;

  @Column({ type: 'text', name: 'objected_by', nullable: true })
  objectedBy!: string | null;

  @Column({ type: 'timestamptz', name: 'objected_at', nullable: true })
  objectedAt!: Date | null;

  /** Scheme staff's reason when they decided an objection. */
  @Column({ type: 'text', name: 'decision_reason', nullable: true })
  decisionReason!: string | null;

  @Column({ type: 'text', name: 'decided_by', nullable: true })
  decidedBy!: string | null;

  @Column({ type: 'timestamptz', name: 'decided_at', nullable: true })
  decidedAt!: Date | null;

  @Column({ type: 'text', name: 'outcome', nullable: true })
  outcome!: TransferOutcome | null;

  /** Why it closed without moving, e.g. the issuing RCB's recorded reason for suspending (MD 2 2.4.2). */
  @Column({ type: 'text', name: 'close_reason', nullable: true })
  closeReason!: string | null;

  @Column({ type: 'text', name: 'closed_by', nullable: true })
  closedBy!: string | null;

  @Column({ type: 'timestamptz', name: 'closed_at', nullable: true })
  closedAt!: Date | null;

  @Column({ type: 'timestamptz', name: 'updated_at' })
  updatedAt!: Date;
}
