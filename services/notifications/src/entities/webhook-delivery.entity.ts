import { Column, Entity, Index, PrimaryColumn } from 'typeorm';
import type { WebhookEventType } from '../domain/webhook-events';

export type DeliveryStatus = 'PENDING' | 'SENDING' | 'DELIVERED' | 'FAILED';

/** One event for one endpoint: attempted until the endpoint answers 2xx or the schedule runs out. */
@Entity({ name: 'webhook_delivery' })
@Index('UQ_webhook_delivery_endpoint_event', ['endpointId', 'eventId'], { unique: true })
@Index('IDX_webhook_delivery_due', ['endpointId', 'nextAttemptAt', 'occurredAt', 'id'], {
  where: `"status" IN ('PENDING', 'SENDING')`,
})
@Index('IDX_webhook_delivery_endpoint_created', ['endpointId', 'createdAt', 'id'])
@Index('IDX_webhook_delivery_event', ['eventId'])
export class WebhookDeliveryEntity {
  /** Also the webhook-id header. */
  @PrimaryColumn({ type: 'uuid', name: 'id', primaryKeyConstraintName: 'PK_webhook_delivery' })
  id!: string;

  @Column({ type: 'uuid', name: 'endpoint_id' })
  endpointId!: string;

  @Column({ type: 'uuid', name: 'event_id' })
  eventId!: string;

  @Column({ type: 'text', name: 'event_type' })
  eventType!: WebhookEventType;

  @Column({ type: 'timestamp with time zone', name: 'occurred_at' })
  occurredAt!: Date;

  @Column({ type: 'text', name: 'status' })
  status!: DeliveryStatus;

  /** Every attempt ever made. */
  @Column({ type: 'integer', name: 'attempt_count' })
  attemptCount!: number;

  /** Failed attempts since the delivery was (re)queued: where it is in the retry schedule. */
  @Column({ type: 'integer', name: 'round_failures' })
  roundFailures!: number;

  @Column({ type: 'timestamp with time zone', name: 'next_attempt_at', nullable: true })
  nextAttemptAt!: Date | null;

  /** While SENDING: past this, another worker may take the delivery over. */
  @Column({ type: 'timestamp with time zone', name: 'lease_until', nullable: true })
  leaseUntil!: Date | null;

  @Column({ type: 'timestamp with time zone', name: 'delivered_at', nullable: true })
  deliveredAt!: Date | null;

  @Column({ type: 'timestamp with time zone', name: 'created_at' })
  createdAt!: Date;
}
