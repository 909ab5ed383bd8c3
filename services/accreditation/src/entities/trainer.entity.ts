import { Column, Entity, Index, JoinColumn, ManyToOne, PrimaryColumn, Unique } from 'typeorm';
import { AtoEntity } from './ato.entity';

/** A person who trains for an ATO; their qualifications are found through their candidate id. */
@Entity({ name: 'trainer' })
@Unique('uq_trainer_ato_candidate', ['atoId', 'candidateId'])
@Index('ix_trainer_ato_name', ['atoId', 'name', 'id'])
@Index('ix_trainer_candidate', ['candidateId'])
export class TrainerEntity {
  @PrimaryColumn({ type: 'uuid', name: 'id', primaryKeyConstraintName: 'pk_trainer' })
  id!: string;

  @Column({ type: 'uuid', name: 'ato_id' })
  atoId!: string;

  @ManyToOne(() => AtoEntity, { onDelete: 'CASCADE' })
  @JoinColumn({ name: 'ato_id', foreignKeyConstraintName: 'fk_trainer_ato' })
  ato?: AtoEntity;

  @Column({ type: 'uuid', name: 'candidate_id' })
  candidateId!: string;

  @Column({ type: 'text', name: 'name' })
  name!: string;

  @Column({ type: 'timestamptz', name: 'added_at' })
  addedAt!: Date;
}
