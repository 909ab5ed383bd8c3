import type { DataSource } from 'typeorm';
import type { HardCopyOrderEntity } from '../entities/hard-copy-order.entity';
import { stepHardCopyOrder } from './hard-copy-order-steps';

/** Scheme staff: the copy was posted, with the carrier's tracking reference. */
export async function markHardCopyDispatched(
  dataSource: DataSource,
  { orderId, trackingReference }: { orderId: string; trackingReference: string },
): Promise<HardCopyOrderEntity> {
  return dataSource.transaction((manager) =>
    stepHardCopyOrder(manager, orderId, 'MARK_DISPATCHED', { trackingReference }),
  );
}
