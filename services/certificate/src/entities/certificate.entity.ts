import type { ExamCode } from '@iso20000/scheme';
import { Column, Entity, Index, PrimaryColumn, Unique } from 'typeorm';

export type CertificateStatus = 'PENDING' | 'ISSUED' | 'REVOKED';

/**
 * One certificate per passed sitting (the unique sitting_id makes issuance idempotent). PENDING
 * means the release was recorded but the document is not signed yet; the staff report lists
 * certificates still pending after their due date.
 */
@Entity({ name: 'certificate' })
@Unique('UQ_certificate_number', ['number'])
@Unique('UQ_certificate_sitting', ['sittingId'])
@Unique('UQ_certificate_status_list_index', ['statusListIndex'])
@Index('IDX_certificate_candidate', ['candidateId', 'createdAt'])
@Index('IDX_certificate_ato', ['atoId', 'createdAt'])
@Index('IDX_certificate_status_due', ['status', 'dueOn'])
@Index('IDX_certificate_created', ['createdAt', 'id'])
@Index('IDX_certificate_status_created', ['status', 'createdAt', 'id'])
@Index('IDX_certificate_exam_created', ['examCode', 'createdAt', 'id'])
export class CertificateEntity {
  @PrimaryColumn({ type: 'uuid', name: 'id', primaryKeyConstraintName: 'PK_certificate' })
  id!: string;

  /** Public, printed, verifiable: e.g. F26-7K3Q-M9PA. */
  @Column({ type: 'text', name: 'number' })
  number!: string;

  @Column({ type: 'uuid', name: 'sitting_id' })
  sittingId!: string;

  @Column({ type: 'uuid', name: 'candidate_id' })
  candidateId!: string;

  /** The current holder name (corrections reissue a new version). */
  @Column({ type: 'text', name: 'holder_name' })
  holderName!: string;

  @Column({ type: 'text', name: 'exam_code' })
  examCode!: ExamCode;

  @Column({ type: 'text', name: 'language' })
  language!: string;

  @Column({ type: 'uuid', name: 'ato_id', nullable: true })
  atoId!: string | null;

  @Column({ type: 'uuid', name: 'session_id' })
  sessionId!: string;

  @Column({ type: 'date', name: 'sat_on' })
  satOn!: string;

  @Column({ type: 'double precision', name: 'percentage' })
  percentage!: number;

  @Column({ type: 'boolean', name: 'trainer_eligible' })
  trainerEligible!: boolean;

  @Column({ type: 'timestamp with time zone', name: 'released_at' })
  releasedAt!: Date;

  /** Two business days after the release: the scheme's promise. */
  @Column({ type: 'date', name: 'due_on' })
  dueOn!: string;

  @Column({ type: 'text', name: 'status' })
  status!: CertificateStatus;

  @Column({ type: 'timestamp with time zone', name: 'issued_at', nullable: true })
  issuedAt!: Date | null;

  /** Current document version; 1 at issuance, +1 per holder-name correction. */
  @Column({ type: 'integer', name: 'version' })
  version!: number;

  /** Position in the revocation status lists (list = index / 131072 + 1). */
  @Column({ type: 'integer', name: 'status_list_index' })
  statusListIndex!: number;

  @Column({ type: 'timestamp with time zone', name: 'revoked_at', nullable: true })
  revokedAt!: Date | null;

  @Column({ type: 'text', name: 'revocation_reason', nullable: true })
  revocationReason!: string | null;

  @Column({ type: 'timestamp with time zone', name: 'created_at' })
  createdAt!: Date;
}
