import type { Viewer } from '@iso20000/auth';
import { parseId, type KeysetColumn } from '@iso20000/service-kit';
import {
  canSeeEndpoint,
  endpointListOwner,
  ownerForNewEndpoint,
  ownerOf,
  requireEndpointOwner,
} from '../access';
import { createWebhookEndpoint } from '../commands/create-webhook-endpoint';
import { deleteWebhookEndpoint } from '../commands/delete-webhook-endpoint';
import { pauseWebhookEndpoint } from '../commands/pause-webhook-endpoint';
import { redeliverWebhookDelivery } from '../commands/redeliver-webhook-delivery';
import { replayWebhookEvents } from '../commands/replay-webhook-events';
import { resumeWebhookEndpoint } from '../commands/resume-webhook-endpoint';
import { rotateWebhookEndpointSecret } from '../commands/rotate-webhook-endpoint-secret';
import { WebhookDeliveryAttemptEntity } from '../entities/webhook-delivery-attempt.entity';
import { WebhookDeliveryEntity } from '../entities/webhook-delivery.entity';
import { WebhookEndpointEntity } from '../entities/webhook-endpoint.entity';
import type { Resolvers } from '../generated/graphql';
import { byCreation, parseInstant, toNewEndpoint } from './inputs';
import { pageInOrder } from './ordered-page';

const ownedBy = (viewer: Viewer) => (endpoint: WebhookEndpointEntity) =>
  requireEndpointOwner(viewer, endpoint);

export const webhookEndpointResolvers: Pick<
  Resolvers,
  'Query' | 'Mutation' | 'WebhookEndpoint' | 'WebhookDelivery'
> = {
  Query: {
    webhookEndpoints: (_parent, args, ctx) => {
      const owner = endpointListOwner(ctx.viewer, {
        kind: args.ownerKind ?? null,
        id: args.ownerId ? parseId(args.ownerId, 'ownerId') : null,
      });
      const query = ctx.dataSource.getRepository(WebhookEndpointEntity).createQueryBuilder('e');
      if (owner) {
        query.where('e.owner_kind = :kind', { kind: owner.kind });
        if (owner.id === null) query.andWhere('e.owner_id IS NULL');
        else query.andWhere('e.owner_id = :id', { id: owner.id });
      }
      return pageInOrder(query, byCreation<WebhookEndpointEntity>('e'), args, args.order ?? 'NEWEST_FIRST');
    },
    webhookEndpoint: async (_parent, args, ctx) => {
      ownerOf(ctx.viewer);
      const endpoint = await ctx.dataSource.manager.findOne(WebhookEndpointEntity, {
        where: { id: parseId(args.id, 'id') },
      });
      return endpoint && canSeeEndpoint(ctx.viewer, endpoint) ? endpoint : null;
    },
  },
  Mutation: {
    createWebhookEndpoint: (_parent, { input }, ctx) => {
      const owner = ownerForNewEndpoint(ctx.viewer, {
        kind: input.ownerKind ?? null,
        id: input.ownerId ? parseId(input.ownerId, 'input.ownerId') : null,
      });
      return createWebhookEndpoint(
        ctx,
        owner,
        ctx.viewer.subject ?? owner.kind,
        toNewEndpoint(input, ctx.settings),
      );
    },
    pauseWebhookEndpoint: (_parent, { id }, ctx) =>
      pauseWebhookEndpoint(ctx.dataSource, parseId(id, 'id'), ownedBy(ctx.viewer)),
    resumeWebhookEndpoint: (_parent, { id }, ctx) =>
      resumeWebhookEndpoint(ctx.dataSource, parseId(id, 'id'), ownedBy(ctx.viewer)),
    rotateWebhookEndpointSecret: (_parent, { id }, ctx) =>
      rotateWebhookEndpointSecret(ctx, parseId(id, 'id'), ownedBy(ctx.viewer)),
    deleteWebhookEndpoint: (_parent, { id }, ctx) =>
      deleteWebhookEndpoint(ctx.dataSource, parseId(id, 'id'), ownedBy(ctx.viewer)),
    redeliverWebhookDelivery: (_parent, { id }, ctx) =>
      redeliverWebhookDelivery(ctx.dataSource, parseId(id, 'id'), ownedBy(ctx.viewer)),
    replayWebhookEvents: (_parent, args, ctx) =>
      replayWebhookEvents(
        ctx.dataSource,
        parseId(args.endpointId, 'endpointId'),
        { from: parseInstant(args.from, 'from'), to: parseInstant(args.to, 'to') },
        ownedBy(ctx.viewer),
      ),
  },
  WebhookEndpoint: {
    deliveries: (endpoint, args, ctx) => {
      const query = ctx.dataSource
        .getRepository(WebhookDeliveryEntity)
        .createQueryBuilder('d')
        .where('d.endpoint_id = :endpointId', { endpointId: endpoint.id });
      if (args.status) query.andWhere('d.status = :status', { status: args.status });
      return pageInOrder(query, byCreation<WebhookDeliveryEntity>('d'), args, args.order ?? 'NEWEST_FIRST');
    },
  },
  WebhookDelivery: {
    attempts: async (delivery, args, ctx) => {
      const oldestFirst = await ctx.loaders.attemptsOfDelivery.load(delivery.id);
      return args.order === 'OLDEST_FIRST' ? oldestFirst : [...oldestFirst].reverse();
    },
    attemptHistory: (delivery, args, ctx) => {
      const query = ctx.dataSource
        .getRepository(WebhookDeliveryAttemptEntity)
        .createQueryBuilder('a')
        .where('a.delivery_id = :deliveryId', { deliveryId: delivery.id });
      return pageInOrder(query, byAttemptNumber, args, args.order ?? 'NEWEST_FIRST');
    },
  },
};

/** A delivery's attempts by number (the unique index on delivery and number serves both orders). */
const byAttemptNumber: KeysetColumn<WebhookDeliveryAttemptEntity>[] = [
  { sql: 'a.number', cast: 'int', orderBy: 'a.number', value: (row) => String(row.number) },
];
