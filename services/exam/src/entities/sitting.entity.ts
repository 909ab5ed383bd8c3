import { Column, Entity, Index, PrimaryColumn } from 'typeorm';
import type { ExamCode } from '../domain/exam-rules';
import type { PrerequisiteStatus, StudyRoute } from '../domain/registration';
import type { SittingState } from '../domain/sitting-lifecycle';

/** One candidate's attempt at one exam in one session, from registration to release (or void). */
@Entity({ name: 'sittings' })
@Index('idx_sittings_registered', ['registeredAt', 'id'])
@Index('idx_sittings_candidate', ['candidateId', 'registeredAt', 'id'])
@Index('idx_sittings_session', ['sessionId', 'registeredAt', 'id'])
@Index('idx_sittings_ato', ['atoId', 'registeredAt', 'id'])
@Index('idx_sittings_prerequisite', ['prerequisiteStatus', 'registeredAt', 'id'])
// A candidate holds at most one live seat per session; a cancelled registration frees it.
@Index('uq_sittings_session_candidate', ['sessionId', 'candidateId'], {
  unique: true,
  where: `"state" <> 'CANCELLED'`,
})
export class SittingEntity {
  @PrimaryColumn({ type: 'uuid', name: 'id' })
  id!: string;

  @Column({ type: 'uuid', name: 'candidate_id' })
  candidateId!: string;

  @Column({ type: 'uuid', name: 'session_id' })
  sessionId!: string;

  @Column({ type: 'text', name: 'exam_code' })
  examCode!: ExamCode;

  @Column({ type: 'text', name: 'language' })
  language!: string;

  /** The ATO whose candidate this is (its course session, or the course attended); null: self-study. */
  @Column({ type: 'uuid', name: 'ato_id', nullable: true })
  atoId!: string | null;

  @Column({ type: 'text', name: 'route' })
  route!: StudyRoute;

  @Column({ type: 'text', name: 'state' })
  state!: SittingState;

  @Column({ type: 'date', name: 'sat_on' })
  satOn!: string;

  @Column({ type: 'text', name: 'prerequisite_status' })
  prerequisiteStatus!: PrerequisiteStatus;

  @Column({ type: 'text', name: 'bcs_foundation_certificate_number', nullable: true })
  bcsFoundationCertificateNumber!: string | null;

  @Column({ type: 'integer', name: 'audit_experience_years', nullable: true })
  auditExperienceYears!: number | null;

  @Column({ type: 'text', name: 'audit_experience_evidence', nullable: true })
  auditExperienceEvidence!: string | null;

  @Column({ type: 'text', name: 'prerequisite_decided_by', nullable: true })
  prerequisiteDecidedBy!: string | null;

  @Column({ type: 'timestamptz', name: 'prerequisite_decided_at', nullable: true })
  prerequisiteDecidedAt!: Date | null;

  @Column({ type: 'text', name: 'prerequisite_decision_note', nullable: true })
  prerequisiteDecisionNote!: string | null;

  @Column({ type: 'integer', name: 'price_amount_minor', nullable: true })
  priceAmountMinor!: number | null;

  @Column({ type: 'text', name: 'price_currency', nullable: true })
  priceCurrency!: string | null;

  @Column({ type: 'uuid', name: 'form_id', nullable: true })
  formId!: string | null;

  @Column({ type: 'integer', name: 'score', nullable: true })
  score!: number | null;

  @Column({ type: 'integer', name: 'max_score', nullable: true })
  maxScore!: number | null;

  @Column({ type: 'double precision', name: 'percentage', nullable: true })
  percentage!: number | null;

  @Column({ type: 'boolean', name: 'passed', nullable: true })
  passed!: boolean | null;

  @Column({ type: 'boolean', name: 'trainer_eligible', nullable: true })
  trainerEligible!: boolean | null;

  /** ATO (it notifies its candidates) or CANDIDATE (self-study and Foundation on marking). */
  @Column({ type: 'text', name: 'released_to', nullable: true })
  releasedTo!: 'ATO' | 'CANDIDATE' | null;

  @Column({ type: 'timestamptz', name: 'released_at', nullable: true })
  releasedAt!: Date | null;

  @Column({ type: 'text', name: 'void_reason', nullable: true })
  voidReason!: string | null;

  @Column({ type: 'timestamptz', name: 'registered_at' })
  registeredAt!: Date;

  @Column({ type: 'text', name: 'registered_by' })
  registeredBy!: string;
}
