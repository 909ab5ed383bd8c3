import { Column, Entity, Index, PrimaryColumn } from 'typeorm';
import type {
  HardCopyKind,
  HardCopyOrderStatus,
  HardCopyOrigin,
  HardCopyRecipient,
} from '../domain/hard-copy-order';
import type { ShippingAddress } from '../domain/shipping-address';

@Entity({ name: 'hard_copy_order' })
@Index('IDX_hard_copy_order_certificate', ['certificateId', 'createdAt'])
@Index('IDX_hard_copy_order_status', ['status', 'createdAt', 'id'])
@Index('IDX_hard_copy_order_created', ['createdAt', 'id'])
export class HardCopyOrderEntity {
  @PrimaryColumn({ type: 'uuid', name: 'id', primaryKeyConstraintName: 'PK_hard_copy_order' })
  id!: string;

  @Column({ type: 'uuid', name: 'certificate_id' })
  certificateId!: string;

  @Column({ type: 'text', name: 'kind' })
  kind!: HardCopyKind;

  @Column({ type: 'text', name: 'origin' })
  origin!: HardCopyOrigin;

  @Column({ type: 'text', name: 'recipient' })
  recipient!: HardCopyRecipient;

  @Column({ type: 'text', name: 'status' })
  status!: HardCopyOrderStatus;

  /** Null only while AWAITING_ADDRESS. */
  @Column({ type: 'jsonb', name: 'shipping_address', nullable: true })
  shippingAddress!: ShippingAddress | null;

  /** Price in minor units (pence) taken from the price table when ordered. */
  @Column({ type: 'integer', name: 'price_amount_minor' })
  priceAmountMinor!: number;

  @Column({ type: 'text', name: 'price_currency' })
  priceCurrency!: string;

  /** Who pays: the candidate, or the ATO (paper included in its course). */
  @Column({ type: 'text', name: 'paid_by' })
  paidBy!: 'CANDIDATE' | 'ATO';

  @Column({ type: 'text', name: 'payment_reference', nullable: true })
  paymentReference!: string | null;

  @Column({ type: 'text', name: 'tracking_reference', nullable: true })
  trackingReference!: string | null;

  @Column({ type: 'text', name: 'cancellation_reason', nullable: true })
  cancellationReason!: string | null;

  @Column({ type: 'timestamp with time zone', name: 'created_at' })
  createdAt!: Date;

  @Column({ type: 'timestamp with time zone', name: 'paid_at', nullable: true })
  paidAt!: Date | null;

  @Column({ type: 'timestamp with time zone', name: 'printed_at', nullable: true })
  printedAt!: Date | null;

  @Column({ type: 'timestamp with time zone', name: 'dispatched_at', nullable: true })
  dispatchedAt!: Date | null;

  @Column({ type: 'timestamp with time zone', name: 'cancelled_at', nullable: true })
  cancelledAt!: Date | null;
}
