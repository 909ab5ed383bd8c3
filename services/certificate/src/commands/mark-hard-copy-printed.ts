import type { DataSource } from 'typeorm';
import type { HardCopyOrderEntity } from '../entities/hard-copy-order.entity';
import { stepHardCopyOrder } from './hard-copy-order-steps';

/** Scheme staff: the copy was printed. */
export async function markHardCopyPrinted(
  dataSource: DataSource,
  { orderId }: { orderId: string },
): Promise<HardCopyOrderEntity> {
  return dataSource.transaction((manager) => stepHardCopyOrder(manager, orderId, 'MARK_PRINTED'));
}
