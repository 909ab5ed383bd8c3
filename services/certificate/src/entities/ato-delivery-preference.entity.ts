import type { CertificateDeliveryFormat, CertificateRecipient } from '@iso20000/events';
import { Column, Entity, PrimaryColumn } from 'typeorm';
import type { ShippingAddress } from '../domain/shipping-address';

/** An ATO's certificate delivery preference, replicated from accreditation's events. */
@Entity({ name: 'ato_delivery_preference' })
export class AtoDeliveryPreferenceEntity {
  @PrimaryColumn({ type: 'uuid', name: 'ato_id', primaryKeyConstraintName: 'PK_ato_delivery_preference' })
  atoId!: string;

  @Column({ type: 'text', name: 'format' })
  format!: CertificateDeliveryFormat;

  @Column({ type: 'text', name: 'recipient' })
  recipient!: CertificateRecipient;

  @Column({ type: 'jsonb', name: 'ato_address', nullable: true })
  atoAddress!: ShippingAddress | null;

  /** Events may arrive out of order: only a newer change replaces the stored one. */
  @Column({ type: 'timestamp with time zone', name: 'changed_at' })
  changedAt!: Date;
}
