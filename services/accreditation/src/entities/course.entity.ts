import { Column, Entity, Index, JoinColumn, ManyToOne, PrimaryColumn } from 'typeorm';
import type { CourseDeliveryMode } from '../domain/course-rules';
import type { ExamCode } from '@iso20000/scheme';
import { AtoEntity } from './ato.entity';
import { TrainerEntity } from './trainer.entity';

/** A course an ATO offers: one exam level, in one language, country and delivery mode. */
@Entity({ name: 'course' })
// An ATO's courses in date order, and find-a-provider's per-ATO probe.
@Index('ix_course_ato_starts_on', ['atoId', 'startsOn', 'id'])
// One index per find-a-provider filter, so any combination can be answered from indexes.
@Index('ix_course_exam_language', ['examCode', 'language'])
@Index('ix_course_country_exam', ['country', 'examCode'])
@Index('ix_course_delivery_mode', ['deliveryMode'])
@Index('ix_course_trainer', ['trainerId'])
export class CourseEntity {
  @PrimaryColumn({ type: 'uuid', name: 'id', primaryKeyConstraintName: 'pk_course' })
  id!: string;

  @Column({ type: 'uuid', name: 'ato_id' })
  atoId!: string;

  @ManyToOne(() => AtoEntity, { onDelete: 'CASCADE' })
  @JoinColumn({ name: 'ato_id', foreignKeyConstraintName: 'fk_course_ato' })
  ato?: AtoEntity;

  @Column({ type: 'text', name: 'exam_code' })
  examCode!: ExamCode;

  @Column({ type: 'text', name: 'language' })
  language!: string;

  @Column({ type: 'text', name: 'country' })
  country!: string;

  @Column({ type: 'text', name: 'delivery_mode' })
  deliveryMode!: CourseDeliveryMode;

  @Column({ type: 'date', name: 'starts_on', nullable: true })
  startsOn!: string | null;

  /** null for self-study materials, which stay available. */
  @Column({ type: 'date', name: 'ends_on', nullable: true })
  endsOn!: string | null;

  @Column({ type: 'boolean', name: 'exam_included' })
  examIncluded!: boolean;

  @Column({ type: 'uuid', name: 'trainer_id', nullable: true })
  trainerId!: string | null;

  @ManyToOne(() => TrainerEntity, { onDelete: 'RESTRICT' })
  @JoinColumn({ name: 'trainer_id', foreignKeyConstraintName: 'fk_course_trainer' })
  trainer?: TrainerEntity;

  @Column({ type: 'timestamptz', name: 'created_at' })
  createdAt!: Date;
}
