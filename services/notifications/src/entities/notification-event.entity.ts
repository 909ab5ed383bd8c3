import { Column, Entity, Index, PrimaryColumn } from 'typeorm';

/**
 * An event as received from the bus, with whom it concerns: fan-out reads the scope, replays of a
 * time range read the events again. Kept WEBHOOK_RETENTION_DAYS.
 */
@Entity({ name: 'notification_event' })
@Index('IDX_notification_event_occurred', ['occurredAt', 'id'])
export class NotificationEventEntity {
  /** The envelope's id. */
  @PrimaryColumn({ type: 'uuid', name: 'id', primaryKeyConstraintName: 'PK_notification_event' })
  id!: string;

  @Column({ type: 'text', name: 'subject' })
  subject!: string;

  @Column({ type: 'timestamp with time zone', name: 'occurred_at' })
  occurredAt!: Date;

  /** The envelope as published (payload validated against the catalogue). */
  @Column({ type: 'jsonb', name: 'envelope' })
  envelope!: Record<string, unknown>;

  @Column({ type: 'uuid', name: 'rcb_ids', array: true })
  rcbIds!: string[];

  @Column({ type: 'uuid', name: 'ato_id', nullable: true })
  atoId!: string | null;

  @Column({ type: 'text', name: 'certificate_number', nullable: true })
  certificateNumber!: string | null;

  @Column({ type: 'text', name: 'certification_number', nullable: true })
  certificationNumber!: string | null;

  @Column({ type: 'timestamp with time zone', name: 'received_at' })
  receivedAt!: Date;
}
