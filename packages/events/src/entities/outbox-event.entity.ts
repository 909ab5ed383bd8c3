import { Column, Entity, Generated, Index, PrimaryColumn } from 'typeorm';

/**
 * An event recorded in the same transaction as the state change it describes, waiting for the
 * relay to publish it. Published rows stay as a log of what the service announced, until the retention
 * job prunes them (OUTBOX_RETENTION_DAYS).
 */
@Entity({ name: 'outbox_event' })
@Index('outbox_event_pending_idx', ['position'], { where: '"published_at" IS NULL' })
@Index('outbox_event_published_idx', ['publishedAt'], { where: '"published_at" IS NOT NULL' })
export class OutboxEvent {
  /** The event id: envelope id, `Nats-Msg-Id` and the consumers' inbox key. */
  @PrimaryColumn({ type: 'uuid', name: 'id', primaryKeyConstraintName: 'outbox_event_pkey' })
  id!: string;

  /** Publication order: strictly increasing within a transaction, unlike a timestamp. */
  @Column({ type: 'bigint', name: 'position' })
  @Generated('increment')
  position!: string;

  /** Logical subject (without namespace): the relay adds its namespace when publishing. */
  @Column({ type: 'text', name: 'subject' })
  subject!: string;

  @Column({ type: 'integer', name: 'version' })
  version!: number;

  @Column({ type: 'jsonb', name: 'payload' })
  payload!: unknown;

  @Column({ type: 'text', name: 'request_id', nullable: true })
  requestId!: string | null;

  @Column({ type: 'timestamptz', name: 'created_at', default: () => 'now()' })
  createdAt!: Date;

  @Column({ type: 'timestamptz', name: 'published_at', nullable: true })
  publishedAt!: Date | null;

  @Column({ type: 'integer', name: 'attempts', default: 0 })
  attempts!: number;

  @Column({ type: 'text', name: 'last_error', nullable: true })
  lastError!: string | null;

  @Column({ type: 'timestamptz', name: 'next_attempt_at', default: () => 'now()' })
  nextAttemptAt!: Date;

  /** W3C trace context of the recording request (null when tracing is off). */
  @Column({ type: 'text', name: 'traceparent', nullable: true })
  traceparent!: string | null;
}
