import { Column, Entity, Index, JoinColumn, ManyToOne, PrimaryColumn } from 'typeorm';
import type { AtoStatus } from '../domain/organization-lifecycle';
import { AtoEntity } from './ato.entity';

/** One step of an ATO's lifecycle: who moved it, when and why. Never updated. */
@Entity({ name: 'ato_status_change' })
@Index('ix_ato_status_change_ato', ['atoId', 'changedAt', 'id'])
export class AtoStatusChangeEntity {
  @PrimaryColumn({ type: 'uuid', name: 'id', primaryKeyConstraintName: 'pk_ato_status_change' })
  id!: string;

  @Column({ type: 'uuid', name: 'ato_id' })
  atoId!: string;

  @ManyToOne(() => AtoEntity, { onDelete: 'CASCADE' })
  @JoinColumn({ name: 'ato_id', foreignKeyConstraintName: 'fk_ato_status_change_ato' })
  ato?: AtoEntity;

  @Column({ type: 'text', name: 'from_status', nullable: true })
  fromStatus!: AtoStatus | null;

  @Column({ type: 'text', name: 'to_status' })
  toStatus!: AtoStatus;

  @Column({ type: 'text', name: 'reason', nullable: true })
  reason!: string | null;

  @Column({ type: 'date', name: 'suspended_until', nullable: true })
  suspendedUntil!: string | null;

  @Column({ type: 'text', name: 'changed_by', nullable: true })
  changedBy!: string | null;

  @Column({ type: 'timestamptz', name: 'changed_at' })
  changedAt!: Date;
}
