import 'reflect-metadata';
import { eventsEntities, eventsMigrations } from '@iso20000/events';
import { createDataSource, LONG_JOB_DATABASE_TIMEOUTS } from '@iso20000/service-kit';
import { NotificationEventEntity } from './entities/notification-event.entity';
import {
  CertificateOwnerEntity,
  CertificationHolderEntity,
  SittingOwnerEntity,
} from './entities/ownership.entity';
import { RelyingPartyEntity } from './entities/relying-party.entity';
import { WebhookDeliveryAttemptEntity } from './entities/webhook-delivery-attempt.entity';
import { WebhookDeliveryEntity } from './entities/webhook-delivery.entity';
import { WebhookEndpointEntity } from './entities/webhook-endpoint.entity';
import { NotificationsTables1765000000000 } from './migrations/1765000000000-notifications-tables';

export const entities = [
  ...eventsEntities,
  NotificationEventEntity,
  SittingOwnerEntity,
  CertificateOwnerEntity,
  CertificationHolderEntity,
  WebhookEndpointEntity,
  WebhookDeliveryEntity,
  WebhookDeliveryAttemptEntity,
  RelyingPartyEntity,
];

export const migrations = [...eventsMigrations, NotificationsTables1765000000000];

// For the TypeORM CLI and the drift check: the service's own database.
export default createDataSource({
  // the TypeORM CLI's migrations run as a long job, not under the request time limits
  timeouts: LONG_JOB_DATABASE_TIMEOUTS,
  url: process.env.DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/iso20000_notifications',
  entities,
  migrations,
});
