import { Column, Entity, Index, PrimaryColumn } from 'typeorm';
import type { ExamCode } from '@iso20000/scheme';
import { numericToNumber } from './organization-columns';

/** A certificate someone holds, learnt from the certificate service's events (our local copy). */
@Entity({ name: 'trainer_qualification' })
@Index('ix_trainer_qualification_candidate', ['candidateId'])
export class TrainerQualificationEntity {
  @PrimaryColumn({
    type: 'uuid',
    name: 'certificate_id',
    primaryKeyConstraintName: 'pk_trainer_qualification',
  })
  certificateId!: string;

  @Column({ type: 'text', name: 'certificate_number' })
  certificateNumber!: string;

  @Column({ type: 'uuid', name: 'candidate_id' })
  candidateId!: string;

  @Column({ type: 'text', name: 'holder_name' })
  holderName!: string;

  @Column({ type: 'text', name: 'exam_code' })
  examCode!: ExamCode;

  @Column({ type: 'numeric', name: 'percentage', precision: 5, scale: 2, transformer: numericToNumber })
  percentage!: number;

  @Column({ type: 'timestamptz', name: 'issued_at' })
  issuedAt!: Date;

  @Column({ type: 'timestamptz', name: 'revoked_at', nullable: true })
  revokedAt!: Date | null;
}
