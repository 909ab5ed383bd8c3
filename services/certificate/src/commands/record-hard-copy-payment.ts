import type { DataSource } from 'typeorm';
import type { HardCopyOrderEntity } from '../entities/hard-copy-order.entity';
import { stepHardCopyOrder } from './hard-copy-order-steps';

/** Scheme staff: the payment for an order arrived; the order joins the print queue. */
export async function recordHardCopyPayment(
  dataSource: DataSource,
  { orderId, paymentReference }: { orderId: string; paymentReference: string },
): Promise<HardCopyOrderEntity> {
  return dataSource.transaction((manager) =>
    stepHardCopyOrder(manager, orderId, 'RECORD_PAYMENT', { paymentReference }),
  );
}
