import { Column, Entity, Index, JoinColumn, ManyToOne, PrimaryColumn, Unique } from 'typeorm';
import type {
  CertificationChange,
  CertificationState,
  CertificationStatus,
} from '../domain/certification-lifecycle';
import { OrganizationCertificationEntity } from './organization-certification.entity';

/** One immutable entry of a certification's history: what changed, who, when, why. Never updated. */
@Entity({ name: 'certification_history' })
@Unique('uq_certification_history_version', ['certificationId', 'version'])
@Index('ix_certification_history_number', ['certificateNumber', 'effectiveOn'])
@Index('ix_certification_history_rcb', ['rcbId', 'certificationId'])
export class CertificationHistoryEntity {
  @PrimaryColumn({ type: 'uuid', name: 'id', primaryKeyConstraintName: 'pk_certification_history' })
  id!: string;

  @Column({ type: 'uuid', name: 'certification_id' })
  certificationId!: string;

  @ManyToOne(() => OrganizationCertificationEntity, { onDelete: 'RESTRICT' })
  @JoinColumn({
    name: 'certification_id',
    foreignKeyConstraintName: 'fk_certification_history_certification',
  })
  certification?: OrganizationCertificationEntity;

  @Column({ type: 'integer', name: 'version' })
  version!: number;

  @Column({ type: 'text', name: 'change' })
  change!: CertificationChange;

  @Column({ type: 'text', name: 'status' })
  status!: CertificationStatus;

  @Column({ type: 'text', name: 'previous_status', nullable: true })
  previousStatus!: CertificationStatus | null;

  /** The RCB holding the certification after this change. */
  @Column({ type: 'uuid', name: 'rcb_id' })
  rcbId!: string;

  /** Set on a transfer: the RCB that held it before, so both RCBs see the transfer. */
  @Column({ type: 'uuid', name: 'previous_rcb_id', nullable: true })
  previousRcbId!: string | null;

  @Column({ type: 'text', name: 'certificate_number' })
  certificateNumber!: string;

  /** From this date the entry's state holds ("was it certified on ..." reads these). */
  @Column({ type: 'date', name: 'effective_on' })
  effectiveOn!: string;

  @Column({ type: 'text', name: 'reason', nullable: true })
  reason!: string | null;

  @Column({ type: 'jsonb', name: 'changed_fields' })
  changedFields!: string[];

  /** The whole certification state after the change. */
  @Column({ type: 'jsonb', name: 'snapshot' })
  snapshot!: CertificationState;

  /** Who: `credential:<id>` for an RCB integration, `system:expiry` for the expiry job. */
  @Column({ type: 'text', name: 'actor' })
  actor!: string;

  @Column({ type: 'text', name: 'request_id', nullable: true })
  requestId!: string | null;

  @Column({ type: 'timestamptz', name: 'recorded_at' })
  recordedAt!: Date;
}
