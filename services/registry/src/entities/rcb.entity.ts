import { Column, Entity, PrimaryColumn } from 'typeorm';
import type { RcbStatus } from '@iso20000/scheme';

/**
 * What the registry knows of an RCB, replicated from accreditation's `accreditation.rcb.status-changed`
 * events (accreditation owns the RCB). Only an APPOINTED RCB may issue or recertify.
 */
@Entity({ name: 'rcb' })
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
}
