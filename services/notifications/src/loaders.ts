import DataLoader from 'dataloader';
import { In, type DataSource } from 'typeorm';
import { WebhookDeliveryAttemptEntity } from './entities/webhook-delivery-attempt.entity';

export interface Loaders {
  /** A delivery's attempts, oldest first: one statement per page of deliveries. */
  attemptsOfDelivery: DataLoader<string, WebhookDeliveryAttemptEntity[]>;
}

export function createLoaders(dataSource: DataSource): Loaders {
  return {
    attemptsOfDelivery: new DataLoader(async (ids) => {
      const rows = await dataSource.manager.find(WebhookDeliveryAttemptEntity, {
        where: { deliveryId: In([...ids]) },
        order: { deliveryId: 'ASC', number: 'ASC' },
      });
      const byDelivery = new Map<string, WebhookDeliveryAttemptEntity[]>();
      for (const row of rows)
        byDelivery.set(row.deliveryId, [...(byDelivery.get(row.deliveryId) ?? []), row]);
      return ids.map((id) => byDelivery.get(id) ?? []);
    }),
  };
}
