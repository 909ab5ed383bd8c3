import { Column, Entity, Index, JoinColumn, ManyToOne, PrimaryColumn } from 'typeorm';
import type { RcbStatus } from '@iso20000/scheme';
import { RcbEntity } from './rcb.entity';
import { OrganizationStatusChangeColumns } from './organization-columns';

/** One step of an RCB's lifecycle: who moved it, when and why. Never updated. */
@Entity({ name: 'rcb_status_change' })
@Index('ix_rcb_status_change_rcb', ['rcbId', 'changedAt', 'id'])
export class RcbStatusChangeEntity extends OrganizationStatusChangeColumns<RcbStatus> {
  @PrimaryColumn({ type: 'uuid', name: 'id', primaryKeyConstraintName: 'pk_rcb_status_change' })
  id!: string;

  @Column({ type: 'uuid', name: 'rcb_id' })
  rcbId!: string;

  @ManyToOne(() => RcbEntity, { onDelete: 'CASCADE' })
  @JoinColumn({ name: 'rcb_id', foreignKeyConstraintName: 'fk_rcb_status_change_rcb' })
  rcb?: RcbEntity;
}
