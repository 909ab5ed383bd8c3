import { Column, Entity, PrimaryColumn } from 'typeorm';
import type { ExamCode } from '../domain/exam-rules';

/** The fee of an exam sat in a region (public sessions and self-study; ATO courses include it). */
@Entity({ name: 'exam_prices' })
export class ExamPriceEntity {
  @PrimaryColumn({ type: 'text', name: 'exam_code' })
  examCode!: ExamCode;

  @PrimaryColumn({ type: 'text', name: 'region' })
  region!: string;

  @Column({ type: 'text', name: 'region_name' })
  regionName!: string;

  /** ISO 4217. */
  @Column({ type: 'text', name: 'currency' })
  currency!: string;

  /** In the currency's minor units (pence, cents; yen have none). */
  @Column({ type: 'integer', name: 'amount_minor' })
  amountMinor!: number;

  @Column({ type: 'timestamptz', name: 'updated_at' })
  updatedAt!: Date;

  @Column({ type: 'text', name: 'updated_by', nullable: true })
  updatedBy!: string | null;
}
