import { Column, Entity, Index, PrimaryColumn } from 'typeorm';
import type { RcbStatus } from '@iso20000/scheme';

/**
 * What the registry knows of an RCB, replicated from accreditation's `accreditation.rcb.status-changed`
 * events (accreditation owns the RCB). Only an APPOINTED RCB may issue or recertify.
 */
@Entity({ name: 'rcb' })
@Index('ix_rcb_data_as_of', ['dataAsOf', 'id'])
export class RcbEntity {
  @PrimaryColumn({ type: 'uuid', name: 'id', primaryKeyConstraintName: 'pk_rcb' })
  id!: string;

  @Column({ type: 'text', name: 'name' })
  name!: string;

  @Column({ type: 'text', name: 'status' })
  status!: RcbStatus;

  @Column({ type: 'text', name: 'status_reason', nullable: true })
  statusReason!: string | null;

  /** When accreditation changed the status: an older event never overwrites a newer one. */
  @Column({ type: 'timestamptz', name: 'status_changed_at' })
  statusChangedAt!: Date;

  /** The registry's own: when the RCB's integration last changed its certifications. */
  @Column({ type: 'timestamptz', name: 'last_data_change_at', nullable: true })
  lastDataChangeAt!: Date | null;

  /** When the RCB last confirmed its registry data current without changing it (confirmRegistryData). */
  @Column({ type: 'timestamptz', name: 'last_confirmed_at', nullable: true })
  lastConfirmedAt!: Date | null;

  @Column({ type: 'text', name: 'last_confirmed_by', nullable: true })
  lastConfirmedBy!: string | null;

  /** The later of the two: how fresh the RCB's data in the registry is (null: never changed nor confirmed). */
  @Column({ type: 'timestamptz', name: 'data_as_of', nullable: true })
  dataAsOf!: Date | null;
}
