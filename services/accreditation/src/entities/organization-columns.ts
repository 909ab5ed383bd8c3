import { Column } from 'typeorm';

/** Company details and contacts, as an applicant gives them (kept as JSON: read whole, never filtered on). */
export interface CompanyDetails {
  legalName: string;
  registrationNumber: string | null;
  address: string[];
  website: string | null;
}

export interface OrganizationContact {
  name: string;
  email: string;
  phone: string | null;
  role: string | null;
}

/** numeric columns come back from pg as strings; the domain works in numbers. */
export const numericToNumber = {
  to: (value: number | null | undefined): number | null | undefined => value,
  from: (value: string | null): number | null => (value === null ? null : Number(value)),
};

/**
 * The columns ATOs and RCBs share: who they are and where they stand in the accreditation lifecycle
 * (the same for both; only the granted status is named differently). Each entity keeps its own id
 * for its own primary-key name.
 */
export abstract class OrganizationColumns<S extends string> {
  @Column({ type: 'text', name: 'name' })
  name!: string;

  /** ISO 3166-1 alpha-2. */
  @Column({ type: 'text', name: 'country' })
  country!: string;

  @Column({ type: 'jsonb', name: 'company_details' })
  companyDetails!: CompanyDetails;

  @Column({ type: 'jsonb', name: 'contacts' })
  contacts!: OrganizationContact[];

  @Column({ type: 'text', name: 'status' })
  status!: S;

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

/** One step of an organization's lifecycle: who moved it, when and why. Never updated. */
/** The lifecycle columns of an organization that has just applied: APPLIED, nothing decided yet. */
export function newApplicationLifecycle(now: Date) {
  return {
    status: 'APPLIED' as const,
    statusReason: null,
    suspendedUntil: null,
    assessmentNotes: null,
    appliedAt: now,
    statusChangedAt: now,
  };
}

export abstract class OrganizationStatusChangeColumns<S extends string> {
  @Column({ type: 'text', name: 'from_status', nullable: true })
  fromStatus!: S | null;

  @Column({ type: 'text', name: 'to_status' })
  toStatus!: S;

  @Column({ type: 'text', name: 'reason', nullable: true })
  reason!: string | null;

  @Column({ type: 'date', name: 'suspended_until', nullable: true })
  suspendedUntil!: string | null;

  @Column({ type: 'text', name: 'changed_by', nullable: true })
  changedBy!: string | null;

  @Column({ type: 'timestamptz', name: 'changed_at' })
  changedAt!: Date;
}
