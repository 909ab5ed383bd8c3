import { Column, Entity, Index, PrimaryColumn } from 'typeorm';
import type { SittingState } from '../domain/sitting-lifecycle';

/** Every move of a sitting, with who made it and when (audit trail). */
@Entity({ name: 'sitting_transitions' })
@Index('idx_sitting_transitions_sitting', ['sittingId', 'occurredAt', 'id'])
export class SittingTransitionEntity {
  @PrimaryColumn({ type: 'uuid', name: 'id' })
  id!: string;

  @Column({ type: 'uuid', name: 'sitting_id' })
  sittingId!: string;

  /** Null for the registration itself. */
  @Column({ type: 'text', name: 'from_state', nullable: true })
  fromState!: SittingState | null;

  @Column({ type: 'text', name: 'to_state' })
  toState!: SittingState;

  @Column({ type: 'text', name: 'actor_subject', nullable: true })
  actorSubject!: string | null;

  @Column({ type: 'text', name: 'actor_role' })
  actorRole!: string;

  @Column({ type: 'text', name: 'reason', nullable: true })
  reason!: string | null;

  @Column({ type: 'timestamptz', name: 'occurred_at' })
  occurredAt!: Date;
}
