import { Column, Entity, Index, PrimaryColumn } from 'typeorm';
import type { RcbStatus } from '@iso20000/scheme';
import { OrganizationColumns } from './organization-columns';

/** A Registered Certification Body, from its application onwards. */
@Entity({ name: 'rcb' })
@Index('ix_rcb_status_name', ['status', 'name', 'id'])
@Index('ix_rcb_country_status', ['country', 'status'])
export class RcbEntity extends OrganizationColumns<RcbStatus> {
  @PrimaryColumn({ type: 'uuid', name: 'id', primaryKeyConstraintName: 'pk_rcb' })
  id!: string;

  @Column({ type: 'text', name: 'national_accreditation_body' })
  nationalAccreditationBody!: string;

  @Column({ type: 'text', name: 'accreditation_reference' })
  accreditationReference!: string;

  @Column({ type: 'text', name: 'countries_served', array: true })
  countriesServed!: string[];
}
