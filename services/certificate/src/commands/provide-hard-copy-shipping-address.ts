import { refuse } from '@iso20000/service-kit';
import type { DataSource } from 'typeorm';
import type { ShippingAddress } from '../domain/shipping-address';
import type { HardCopyOrderEntity } from '../entities/hard-copy-order.entity';
import { stepHardCopyOrder } from './hard-copy-order-steps';

/** The holder gives the address for a copy their ATO ordered for them; the order is then paid. */
export async function provideHardCopyShippingAddress(
  dataSource: DataSource,
  { orderId, shippingAddress }: { orderId: string; shippingAddress: ShippingAddress },
): Promise<HardCopyOrderEntity> {
  return dataSource.transaction((manager) =>
    stepHardCopyOrder(manager, orderId, 'PROVIDE_ADDRESS', { shippingAddress }, (order) => {
      if (order.recipient !== 'CANDIDATE')
        throw refuse.forbidden('This copy is sent to the ATO; its address comes from the ATO');
    }),
  );
}
