import { Check, Column, Entity, Index, PrimaryColumn } from 'typeorm';

export type DeadLetterResolution = 'replayed' | 'discarded';

/**
 * A message a consumer gave up on (invalid, or failing maxDeliver times), kept with its error so
 * that it is visible and can be replayed by hand. A copy is published on `dlq.<consumer>`. Replayed
 * and discarded rows stay, with who did it and why: the table is the history.
 */
@Entity({ name: 'dead_letter_event' })
@Check(
  'dead_letter_event_resolution_check',
  `("resolution" IS NULL AND "resolved_at" IS NULL AND "resolved_by" IS NULL) OR ` +
    `("resolution" IN ('replayed', 'discarded') AND "resolved_at" IS NOT NULL AND "resolved_by" IS NOT NULL ` +
    `AND ("resolution" = 'replayed' OR "resolution_reason" IS NOT NULL))`,
)
@Index('dead_letter_event_consumer_idx', ['consumer', 'failedAt'])
export class DeadLetterEvent {
  @PrimaryColumn({ type: 'uuid', name: 'id', primaryKeyConstraintName: 'dead_letter_event_pkey' })
  id!: string;

  @Column({ type: 'text', name: 'consumer' })
  consumer!: string;

  /** Text, not uuid: an invalid envelope may carry an id that is not one (or none). */
  @Column({ type: 'text', name: 'event_id', nullable: true })
  eventId!: string | null;

  /** The wire subject the message arrived on. */
  @Column({ type: 'text', name: 'subject' })
  subject!: string;

  /** The message as received: the envelope, or `{ raw }` when it was not JSON. */
  @Column({ type: 'jsonb', name: 'payload' })
  payload!: unknown;

  @Column({ type: 'text', name: 'error' })
  error!: string;

  @Column({ type: 'integer', name: 'deliveries' })
  deliveries!: number;

  @Column({ type: 'timestamptz', name: 'failed_at', default: () => 'now()' })
  failedAt!: Date;

  /** Null while open; `replayed` (published again onto its subject) or `discarded`. */
  @Column({ type: 'text', name: 'resolution', nullable: true })
  resolution!: DeadLetterResolution | null;

  @Column({ type: 'timestamptz', name: 'resolved_at', nullable: true })
  resolvedAt!: Date | null;

  /** The operator or staff member who replayed or discarded it. */
  @Column({ type: 'text', name: 'resolved_by', nullable: true })
  resolvedBy!: string | null;

  /** Required for a discard; optional for a replay. */
  @Column({ type: 'text', name: 'resolution_reason', nullable: true })
  resolutionReason!: string | null;
}
