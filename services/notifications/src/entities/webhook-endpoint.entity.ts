import { Column, Entity, Index, PrimaryColumn } from 'typeorm';
import type { OwnerKind } from '../domain/webhook-events';

export type EndpointStatus = 'ACTIVE' | 'PAUSED' | 'DISABLED';

@Entity({ name: 'webhook_endpoint' })
@Index('IDX_webhook_endpoint_owner', ['ownerKind', 'ownerId', 'createdAt', 'id'])
@Index('IDX_webhook_endpoint_created', ['createdAt', 'id'])
export class WebhookEndpointEntity {
  @PrimaryColumn({ type: 'uuid', name: 'id', primaryKeyConstraintName: 'PK_webhook_endpoint' })
  id!: string;

  @Column({ type: 'text', name: 'owner_kind' })
  ownerKind!: OwnerKind;

  /** The RCB, ATO or relying party; null for scheme staff's endpoints. */
  @Column({ type: 'uuid', name: 'owner_id', nullable: true })
  ownerId!: string | null;

  @Column({ type: 'text', name: 'url' })
  url!: string;

  @Column({ type: 'text', name: 'description', nullable: true })
  description!: string | null;

  @Column({ type: 'text', name: 'event_types', array: true })
  eventTypes!: string[];

  @Column({ type: 'text', name: 'certificate_numbers', array: true })
  certificateNumbers!: string[];

  @Column({ type: 'text', name: 'certification_numbers', array: true })
  certificationNumbers!: string[];

  @Column({ type: 'text', name: 'status' })
  status!: EndpointStatus;

  @Column({ type: 'integer', name: 'max_concurrency' })
  maxConcurrency!: number;

  @Column({ type: 'text', name: 'disabled_reason', nullable: true })
  disabledReason!: string | null;

  @Column({ type: 'timestamp with time zone', name: 'disabled_at', nullable: true })
  disabledAt!: Date | null;

  @Column({ type: 'timestamp with time zone', name: 'paused_at', nullable: true })
  pausedAt!: Date | null;

  /** The signing secret, encrypted (AES-256-GCM with WEBHOOK_SECRET_KEY): it must be read to sign. */
  @Column({ type: 'text', name: 'secret_ciphertext' })
  secretCiphertext!: string;

  /** After a rotation, the old secret signs too until previous_secret_expires_at. */
  @Column({ type: 'text', name: 'previous_secret_ciphertext', nullable: true })
  previousSecretCiphertext!: string | null;

  @Column({ type: 'timestamp with time zone', name: 'previous_secret_expires_at', nullable: true })
  previousSecretExpiresAt!: Date | null;

  @Column({ type: 'text', name: 'secret_hint' })
  secretHint!: string;

  @Column({ type: 'timestamp with time zone', name: 'secret_rotated_at', nullable: true })
  secretRotatedAt!: Date | null;

  /** First failed attempt since the last success: the endpoint is disabled when a delivery runs out of attempts. */
  @Column({ type: 'timestamp with time zone', name: 'failing_since', nullable: true })
  failingSince!: Date | null;

  @Column({ type: 'text', name: 'created_by' })
  createdBy!: string;

  @Column({ type: 'timestamp with time zone', name: 'created_at' })
  createdAt!: Date;

  @Column({ type: 'timestamp with time zone', name: 'updated_at' })
  updatedAt!: Date;
}
