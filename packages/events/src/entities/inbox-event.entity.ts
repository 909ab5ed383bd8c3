import { Column, Entity, PrimaryColumn } from 'typeorm';

/**
 * An event a consumer has processed, written in the same transaction as the consumer's effect:
 * a redelivered event finds its row and is skipped.
 */
@Entity({ name: 'inbox_event' })
export class InboxEvent {
  /** The durable consumer name (one per service and purpose). */
  @PrimaryColumn({ type: 'text', name: 'consumer', primaryKeyConstraintName: 'inbox_event_pkey' })
  consumer!: string;

  @PrimaryColumn({ type: 'uuid', name: 'event_id', primaryKeyConstraintName: 'inbox_event_pkey' })
  eventId!: string;

  @Column({ type: 'timestamptz', name: 'processed_at', default: () => 'now()' })
  processedAt!: Date;
}
