import { refuse } from '@iso20000/service-kit';
import type { DataSource } from 'typeorm';
import type { HardCopyOrderEntity } from '../entities/hard-copy-order.entity';
import { stepHardCopyOrder } from './hard-copy-order-steps';

export interface CancelHardCopyOrderCommand {
  orderId: string;
  reason: string;
  /** Who cancels (see access.ts): the holder may withdraw only an order nobody has paid for yet. */
  by: 'staff' | 'holder';
}

/** Cancels an order before printing. */
export async function cancelHardCopyOrder(
  dataSource: DataSource,
  { orderId, reason, by }: CancelHardCopyOrderCommand,
): Promise<HardCopyOrderEntity> {
  return dataSource.transaction((manager) =>
    stepHardCopyOrder(manager, orderId, 'CANCEL', { cancellationReason: reason }, (locked) => {
      if (by === 'holder' && locked.status !== 'PENDING_PAYMENT' && locked.status !== 'AWAITING_ADDRESS') {
        throw refuse.forbidden(`This order is ${locked.status}; ask scheme staff to cancel it`);
      }
    }),
  );
}
