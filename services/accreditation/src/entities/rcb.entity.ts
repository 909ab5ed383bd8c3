import { Column, Entity, Index, PrimaryColumn } from 'typeorm';
import type { RcbStatus } from '../domain/organization-lifecycle';
import type { CompanyDetails, OrganizationContact } from './organization-columns';

/** A Registered Certification Body, from its application onwards. */
@Entity({ name: 'rcb' })
@Index('ix_rcb_status_name', ['status', 'name', 'id'])
@Index('ix_rcb_country_status', ['country', 'status'])
export class RcbEntity {
  @PrimaryColumn({ type: 'uuid', name: 'id', primaryKeyConstraintName: 'pk_rcb' })
  id!: string;

  @Column({ type: 'text', name: 'name' })
  name!: string;

  @Column({ type: 'text', name: 'country' })
  country!: string;

  @Column({ type: 'jsonb', name: 'company_details' })
  companyDetails!: CompanyDetails;

  @Column({ type: 'jsonb', name: 'contacts' })
  contacts!: OrganizationContact[];

  @Column({ type: 'text', name: 'national_accreditation_body' })
  nationalAccreditationBody!: string;

  @Column({ type: 'text', name: 'accreditation_reference' })
  accreditationReference!: string;

  @Column({ type: 'text', name: 'countries_served', array: true })
  countriesServed!: string[];

  @Column({ type: 'text', name: 'status' })
  status!: RcbStatus;

  @Column({ type: 'text', name: 'status_reason', nullable: true })
  statusReason!: string | null;

  @Column({ type: 'date', name: 'suspended_until', nullable: true })
  suspendedUntil!: string | null;

  @Column({ type: 'text', name: 'assessment_notes', nullable: true })
  assessmentNotes!: string | null;

  @Column({ type: 'timestamptz', name: 'applied_at' })
  appliedAt!: Date;

  @Column({ type: 'timestamptz', name: 'status_changed_at' })
  statusChangedAt!: Date;
}
