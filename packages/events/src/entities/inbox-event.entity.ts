import { Column, Entity, Index, PrimaryColumn } from 'typeorm';

/**
 * An event a consumer has processed, written in the same transaction as the consumer's effect:
 * a redelivered event finds its row and is skipped. Pruned after INBOX_RETENTION_DAYS, which is never
 * shorter than the streams keep events (a rewound consumer must still find what it handled).
 */
@Entity({ name: 'inbox_event' })
@Index('inbox_event_processed_idx', ['processedAt'])
export class InboxEvent {
  /** The durable consumer name (one per service and purpose). */
  @PrimaryColumn({ type: 'text', name: 'consumer', primaryKeyConstraintName: 'inbox_event_pkey' })
  consumer!: string;

  @PrimaryColumn({ type: 'uuid', name: 'event_id', primaryKeyConstraintName: 'inbox_event_pkey' })
  eventId!: string;

  @Column({ type: 'timestamptz', name: 'processed_at', default: () => 'now()' })
  processedAt!: Date;
}
