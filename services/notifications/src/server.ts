import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import {
  assembleService,
  IntervalWorker,
  type AssembledService,
  type Authenticates,
  type BaseContext,
  type Logger,
} from '@iso20000/service-kit';
import { serveRelyingPartyKeySnapshots } from '@iso20000/auth';
import { unauthenticated } from '@iso20000/service-kit';
import { parse } from 'graphql';
import type { NatsConnection } from 'nats';
import type { DataSource } from 'typeorm';
import { relyingPartyViewer } from './access';
import { forgetOldNotifications } from './commands/forget-old-notifications';
import { relyingPartyKeySnapshot, verifyRelyingPartyKey } from './commands/relying-parties';
import { deliverySettingsOf, type DeliverySettings, type NotificationsConfig } from './config';
import type { ServiceContext } from './context';
import { SecretBox } from './delivery/secret-box';
import { WebhookDispatcher } from './delivery/webhook-dispatcher';
import { createNotificationConsumers } from './events/notification-consumers';
import { createLoaders } from './loaders';
import { resolvers } from './resolvers';

export const typeDefs = parse(readFileSync(join(__dirname, 'schema.graphql'), 'utf8'));

export interface NotificationsServiceDeps {
  dataSource: DataSource;
  nc: NatsConnection;
  namespace?: string;
  logger: Logger;
  config: NotificationsConfig;
  /** Tests may pass their own; otherwise JWTs + RCB credentials replicated from accreditation. */
  authenticator?: Authenticates;
}

export interface NotificationsService extends AssembledService<ServiceContext> {
  dispatcher: WebhookDispatcher;
  settings: DeliverySettings;
  secrets: SecretBox;
}

/**
 * The scheme's authentication, except that a relying party's own key (`ApiKey rpk_...`) is checked
 * against this service's table on every request: the owner of the keys refuses a revoked one at
 * once, before its replicated copies (every other process) hear of the revocation.
 */
function withRelyingParties(dataSource: DataSource, scheme: Authenticates): Authenticates {
  return {
    async authenticate(authorization) {
      const match = /^\s*apikey\s+(rpk_\S+)\s*$/i.exec(authorization ?? '');
      if (!match) return scheme.authenticate(authorization);
      const id = await verifyRelyingPartyKey(dataSource, match[1]);
      if (!id) throw unauthenticated('The relying party key is unknown or has been revoked');
      return relyingPartyViewer(id);
    },
  };
}

/** Apollo, the outbox relay, the event consumers (fan-out) and the delivery worker. */
export async function buildService(deps: NotificationsServiceDeps): Promise<NotificationsService> {
  const { dataSource, nc, logger, config } = deps;
  const namespace = deps.namespace ?? config.EVENTS_NAMESPACE;
  const settings = deliverySettingsOf(config);
  if (config.NODE_ENV === 'production' && config.WEBHOOK_ALLOWED_HOSTS)
    logger.warn(
      { hosts: config.WEBHOOK_ALLOWED_HOSTS },
      'WEBHOOK_ALLOWED_HOSTS lets webhooks reach these hosts whatever they resolve to',
    );
  const secrets = new SecretBox(settings.secretKey);
  const contextFor = (base: BaseContext): ServiceContext => ({
    ...base,
    dataSource,
    loaders: createLoaders(dataSource),
    settings,
    secrets,
  });
  const dispatcher = new WebhookDispatcher({ dataSource, settings, secrets, logger });
  const assembled = await assembleService<ServiceContext>({
    ...deps,
    name: 'notifications',
    typeDefs,
    resolvers,
    contextFor,
    withAuthenticator: (scheme) => withRelyingParties(dataSource, scheme),
    workers: () => [
      ...createNotificationConsumers({ dataSource, nc, namespace, logger }),
      dispatcher,
      serveRelyingPartyKeySnapshots({
        nc,
        namespace,
        logger,
        load: () => relyingPartyKeySnapshot(dataSource),
      }),
      new IntervalWorker({
        name: 'notifications-retention',
        intervalMs: 60 * 60 * 1000,
        logger,
        run: () => forgetOldNotifications(dataSource, settings.retentionDays),
      }),
    ],
  });
  return { ...assembled, dispatcher, settings, secrets };
}
