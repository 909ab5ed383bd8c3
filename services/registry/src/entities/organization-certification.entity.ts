import { Column, Entity, Generated, Index, JoinColumn, ManyToOne, PrimaryColumn, Unique } from 'typeorm';
import type {
  CertificationStandard,
  CertificationStatus,
  CertifiedSite,
  SurveillanceAudit,
} from '../domain/certification-lifecycle';
import { CertifiedOrganizationEntity } from './certified-organization.entity';
import type { RcbEntity } from './rcb.entity';

/** The current state of one certification; every change also writes a CertificationHistoryEntity. */
@Entity({ name: 'organization_certification' })
@Unique('uq_organization_certification_number', ['rcbId', 'certificateNumber'])
@Unique('uq_organization_certification_status_list_index', ['statusListIndex'])
@Index('ix_organization_certification_number', ['certificateNumber'])
@Index('ix_organization_certification_organization', ['organizationId'])
@Index('ix_organization_certification_rcb_status', ['rcbId', 'status'])
@Index('ix_organization_certification_rcb_name', ['rcbId', 'organizationSortName', 'organizationId'])
@Index('ix_organization_certification_status_expiry', ['status', 'expiry'])
@Index('ix_organization_certification_transfer_deadline', ['transferDeadline'])
export class OrganizationCertificationEntity {
  @PrimaryColumn({ type: 'uuid', name: 'id', primaryKeyConstraintName: 'pk_organization_certification' })
  id!: string;

  @Column({ type: 'uuid', name: 'organization_id' })
  organizationId!: string;

  @ManyToOne(() => CertifiedOrganizationEntity, { onDelete: 'RESTRICT' })
  @JoinColumn({
    name: 'organization_id',
    foreignKeyConstraintName: 'fk_organization_certification_organization',
  })
  organization?: CertifiedOrganizationEntity;

  /**
   * The organization's sort_name, copied by triggers (on insert, and when the organization is
   * renamed) so that one RCB's organizations can be read in name order from an index. The code never
   * writes it.
   */
  @Column({ type: 'text', name: 'organization_sort_name', insert: false, update: false, select: false })
  organizationSortName?: string;

  /** The RCB holding the certification now (changes on transfer). */
  @Column({ type: 'uuid', name: 'rcb_id' })
  rcbId!: string;

  /** The RCB's own certificate number: unique per RCB. */
  @Column({ type: 'text', name: 'certificate_number' })
  certificateNumber!: string;

  @Column({ type: 'text', name: 'standard' })
  standard!: CertificationStandard;

  @Column({ type: 'text', name: 'scope' })
  scope!: string;

  @Column({ type: 'jsonb', name: 'sites' })
  sites!: CertifiedSite[];

  @Column({ type: 'date', name: 'original_issue_date' })
  originalIssueDate!: string;

  @Column({ type: 'date', name: 'cycle_start' })
  cycleStart!: string;

  @Column({ type: 'date', name: 'expiry' })
  expiry!: string;

  @Column({ type: 'jsonb', name: 'surveillance_audits' })
  surveillanceAudits!: SurveillanceAudit[];

  /** As recorded; readers derive the effective status (a lapsed one reads EXPIRED before the job runs). */
  @Column({ type: 'text', name: 'status' })
  status!: CertificationStatus;

  @Column({ type: 'text', name: 'status_reason', nullable: true })
  statusReason!: string | null;

  @Column({ type: 'date', name: 'suspended_on', nullable: true })
  suspendedOn!: string | null;

  @Column({ type: 'date', name: 'suspended_until', nullable: true })
  suspendedUntil!: string | null;

  /**
   * Set when the holding RCB lost its appointment: the certification must transfer by this date (six
   * months after the withdrawal, or its expiry if sooner, IAF MD 2), else it expires then. Not part
   * of the lifecycle state: the registry derives it from the RCB's status.
   */
  @Column({ type: 'date', name: 'transfer_deadline', nullable: true })
  transferDeadline!: string | null;

  /**
   * This certification's entry in the registry's status lists (the same index in the suspension
   * and the revocation list): allocated once from a sequence when the row is inserted, never
   * changed (a transfer or recertification keeps it). List n holds indexes (n-1)*131072 .. n*131072-1.
   */
  @Column({ type: 'integer', name: 'status_list_index' })
  @Generated('increment')
  statusListIndex!: number;

  /** History version: 1 when issued, +1 per change; clients send it back for optimistic concurrency. */
  @Column({ type: 'integer', name: 'version' })
  version!: number;

  @Column({ type: 'timestamptz', name: 'created_at' })
  createdAt!: Date;

  @Column({ type: 'timestamptz', name: 'updated_at' })
  updatedAt!: Date;

  /** Not a column: the registry's copy of the RCB, when a query joined it (see verification). */
  rcbRecord?: RcbEntity | null;

  /** Not a column: how many other RCBs' certifications carry this number, when verification counted them. */
  sameNumberAtOtherRcbs?: number;
}
