import { Column, Entity, PrimaryColumn } from 'typeorm';
import type {
  ExamCode,
  ExamFormat,
  ExamLanguage,
  ExamMarking,
  ExamPrerequisite,
  ExamRelease,
  ExamRules,
} from '../domain/exam-rules';

/** One of the scheme's three exams; rows come from the reference-data migration. */
@Entity({ name: 'exams' })
export class ExamEntity implements ExamRules {
  @PrimaryColumn({ type: 'text', name: 'code' })
  code!: ExamCode;

  @Column({ type: 'text', name: 'name' })
  name!: string;

  @Column({ type: 'text', name: 'format' })
  format!: ExamFormat;

  @Column({ type: 'integer', name: 'question_count' })
  questionCount!: number;

  @Column({ type: 'integer', name: 'marks_per_question' })
  marksPerQuestion!: number;

  @Column({ type: 'integer', name: 'max_marks' })
  maxMarks!: number;

  @Column({ type: 'integer', name: 'pass_mark' })
  passMark!: number;

  @Column({ type: 'integer', name: 'duration_minutes' })
  durationMinutes!: number;

  @Column({ type: 'text', name: 'book' })
  book!: 'CLOSED' | 'OPEN';

  @Column({ type: 'text', name: 'book_note', nullable: true })
  bookNote!: string | null;

  @Column({ type: 'text', name: 'prerequisite' })
  prerequisite!: ExamPrerequisite;

  @Column({ type: 'integer', name: 'required_audit_experience_years', nullable: true })
  requiredAuditExperienceYears!: number | null;

  @Column({ type: 'text', name: 'recommended', nullable: true })
  recommended!: string | null;

  @Column({ type: 'boolean', name: 'self_study_allowed' })
  selfStudyAllowed!: boolean;

  @Column({ type: 'text', name: 'marking' })
  marking!: ExamMarking;

  @Column({ type: 'text', name: 'release' })
  release!: ExamRelease;

  @Column({ type: 'integer', name: 'trainer_eligibility_percentage', nullable: true })
  trainerEligibilityPercentage!: number | null;

  @Column({ type: 'jsonb', name: 'languages' })
  languages!: ExamLanguage[];
}
