import { Column, Entity, Index, PrimaryColumn } from 'typeorm';
import type { ExamCode } from '../domain/exam-rules';

/** A certificate of this scheme a candidate holds, learnt from certificate.certificate.issued (prerequisites). */
@Entity({ name: 'candidate_qualifications' })
@Index('idx_candidate_qualifications_candidate', ['candidateId', 'examCode'])
export class CandidateQualificationEntity {
  @PrimaryColumn({ type: 'uuid', name: 'certificate_id' })
  certificateId!: string;

  @Column({ type: 'uuid', name: 'candidate_id' })
  candidateId!: string;

  @Column({ type: 'text', name: 'exam_code' })
  examCode!: ExamCode;

  @Column({ type: 'text', name: 'certificate_number' })
  certificateNumber!: string;

  @Column({ type: 'uuid', name: 'sitting_id' })
  sittingId!: string;

  @Column({ type: 'timestamptz', name: 'issued_at' })
  issuedAt!: Date;

  /** A revoked certificate no longer satisfies a prerequisite. */
  @Column({ type: 'timestamptz', name: 'revoked_at', nullable: true })
  revokedAt!: Date | null;
}
