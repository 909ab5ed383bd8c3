import { Column, Entity, Index, PrimaryColumn } from 'typeorm';

export type AttemptOutcome = 'SUCCEEDED' | 'HTTP_ERROR' | 'TIMEOUT' | 'NETWORK_ERROR' | 'REFUSED_ADDRESS';

/** Every attempt is kept: the owner's record of what was tried, when, and what came back. */
@Entity({ name: 'webhook_delivery_attempt' })
@Index('UQ_webhook_delivery_attempt_number', ['deliveryId', 'number'], { unique: true })
export class WebhookDeliveryAttemptEntity {
  @PrimaryColumn({ type: 'uuid', name: 'id', primaryKeyConstraintName: 'PK_webhook_delivery_attempt' })
  id!: string;

  @Column({ type: 'uuid', name: 'delivery_id' })
  deliveryId!: string;

  @Column({ type: 'integer', name: 'number' })
  number!: number;

  @Column({ type: 'timestamp with time zone', name: 'started_at' })
  startedAt!: Date;

  @Column({ type: 'integer', name: 'latency_ms' })
  latencyMs!: number;

  @Column({ type: 'text', name: 'outcome' })
  outcome!: AttemptOutcome;

  @Column({ type: 'integer', name: 'response_status', nullable: true })
  responseStatus!: number | null;

  @Column({ type: 'text', name: 'error', nullable: true })
  error!: string | null;
}
