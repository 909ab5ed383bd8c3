import { Column, Entity, Index, JoinColumn, ManyToOne, PrimaryColumn } from 'typeorm';
import type { AtoStatus } from '@iso20000/scheme';
import { AtoEntity } from './ato.entity';
import { OrganizationStatusChangeColumns } from './organization-columns';

/** One step of an ATO's lifecycle: who moved it, when and why. Never updated. */
@Entity({ name: 'ato_status_change' })
@Index('ix_ato_status_change_ato', ['atoId', 'changedAt', 'id'])
export class AtoStatusChangeEntity extends OrganizationStatusChangeColumns<AtoStatus> {
  @PrimaryColumn({ type: 'uuid', name: 'id', primaryKeyConstraintName: 'pk_ato_status_change' })
  id!: string;

  @Column({ type: 'uuid', name: 'ato_id' })
  atoId!: string;

  @ManyToOne(() => AtoEntity, { onDelete: 'CASCADE' })
  @JoinColumn({ name: 'ato_id', foreignKeyConstraintName: 'fk_ato_status_change_ato' })
  ato?: AtoEntity;
}
