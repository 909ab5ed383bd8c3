import { Column, Entity, Index, PrimaryColumn } from 'typeorm';

/**
 * A message a consumer gave up on (invalid, or failing maxDeliver times), kept with its error so
 * that it is visible and can be replayed by hand. A copy is published on `dlq.<consumer>`.
 */
@Entity({ name: 'dead_letter_event' })
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
}
