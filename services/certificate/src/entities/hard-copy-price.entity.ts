import { Column, Entity, PrimaryColumn } from 'typeorm';
import type { HardCopyKind } from '../domain/hard-copy-order';

/** The price table for paper certificates (reference data, loaded by a migration). */
@Entity({ name: 'hard_copy_price' })
export class HardCopyPriceEntity {
  @PrimaryColumn({ type: 'text', name: 'kind', primaryKeyConstraintName: 'PK_hard_copy_price' })
  kind!: HardCopyKind;

  @Column({ type: 'integer', name: 'amount_minor' })
  amountMinor!: number;

  @Column({ type: 'text', name: 'currency' })
  currency!: string;
}
