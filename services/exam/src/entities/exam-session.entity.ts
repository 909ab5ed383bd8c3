import { Column, Entity, Index, PrimaryColumn } from 'typeorm';
import type { ExamCode } from '../domain/exam-rules';
import type { SessionKind } from '../domain/registration';

/** An exam sitting occasion: part of an ATO course, or a public session run by the scheme. */
@Entity({ name: 'exam_sessions' })
@Index('idx_exam_sessions_starts', ['startsAt', 'id'])
@Index('idx_exam_sessions_ato', ['atoId', 'startsAt', 'id'])
@Index('idx_exam_sessions_exam', ['examCode', 'startsAt', 'id'])
export class ExamSessionEntity {
  @PrimaryColumn({ type: 'uuid', name: 'id' })
  id!: string;

  @Column({ type: 'text', name: 'kind' })
  kind!: SessionKind;

  @Column({ type: 'text', name: 'exam_code' })
  examCode!: ExamCode;

  @Column({ type: 'uuid', name: 'ato_id', nullable: true })
  atoId!: string | null;

  @Column({ type: 'text', name: 'venue' })
  venue!: string;

  /** ISO 3166-1 alpha-2 of where the exam is sat. */
  @Column({ type: 'text', name: 'country' })
  country!: string;

  /** Price region (exam_prices.region); null for ATO courses, whose fee includes the exam. */
  @Column({ type: 'text', name: 'region', nullable: true })
  region!: string | null;

  @Column({ type: 'timestamptz', name: 'starts_at' })
  startsAt!: Date;

  /** Languages papers are available in at this session. */
  @Column({ type: 'text', name: 'languages', array: true })
  languages!: string[];

  @Column({ type: 'integer', name: 'capacity' })
  capacity!: number;

  @Column({ type: 'integer', name: 'price_amount_minor', nullable: true })
  priceAmountMinor!: number | null;

  @Column({ type: 'text', name: 'price_currency', nullable: true })
  priceCurrency!: string | null;

  @Column({ type: 'timestamptz', name: 'created_at' })
  createdAt!: Date;

  @Column({ type: 'text', name: 'created_by' })
  createdBy!: string;
}
