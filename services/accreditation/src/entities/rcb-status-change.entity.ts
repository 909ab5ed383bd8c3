import { Column, Entity, Index, JoinColumn, ManyToOne, PrimaryColumn } from 'typeorm';
import type { RcbStatus } from '../domain/organization-lifecycle';
import { RcbEntity } from './rcb.entity';

/** One step of an RCB's lifecycle: who moved it, when and why. Never updated. */
@Entity({ name: 'rcb_status_change' })
@Index('ix_rcb_status_change_rcb', ['rcbId', 'changedAt', 'id'])
export class RcbStatusChangeEntity {
  @PrimaryColumn({ type: 'uuid', name: 'id', primaryKeyConstraintName: 'pk_rcb_status_change' })
  id!: string;

  @Column({ type: 'uuid', name: 'rcb_id' })
  rcbId!: string;

  @ManyToOne(() => RcbEntity, { onDelete: 'CASCADE' })
  @JoinColumn({ name: 'rcb_id', foreignKeyConstraintName: 'fk_rcb_status_change_rcb' })
  rcb?: RcbEntity;

  @Column({ type: 'text', name: 'from_status', nullable: true })
  fromStatus!: RcbStatus | null;

  @Column({ type: 'text', name: 'to_status' })
  toStatus!: RcbStatus;

  @Column({ type: 'text', name: 'reason', nullable: true })
  reason!: string | null;

  @Column({ type: 'date', name: 'suspended_until', nullable: true })
  suspendedUntil!: string | null;

  @Column({ type: 'text', name: 'changed_by', nullable: true })
  changedBy!: string | null;

  @Column({ type: 'timestamptz', name: 'changed_at' })
  changedAt!: Date;
}
