import { Column, Entity, PrimaryColumn } from 'typeorm';

/**
 * Sittings voided by the exam service. Release and void are handled by separate consumers, so a
 * void may be processed before the release it cancels; remembering it stops a late issuance.
 */
@Entity({ name: 'voided_sitting' })
export class VoidedSittingEntity {
  @PrimaryColumn({ type: 'uuid', name: 'sitting_id', primaryKeyConstraintName: 'PK_voided_sitting' })
  sittingId!: string;

  @Column({ type: 'text', name: 'reason' })
  reason!: string;

  @Column({ type: 'timestamp with time zone', name: 'voided_at' })
  voidedAt!: Date;
}
