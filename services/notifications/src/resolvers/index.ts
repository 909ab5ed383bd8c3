import { scalarResolvers } from '@iso20000/service-kit';
import type { Resolvers } from '../generated/graphql';
import { relyingPartyResolvers } from './relying-party.resolvers';
import { webhookEndpointResolvers } from './webhook-endpoint.resolvers';

export const resolvers: Resolvers = {
  DateTime: scalarResolvers.DateTime,
  Query: { ...webhookEndpointResolvers.Query, ...relyingPartyResolvers.Query },
  Mutation: { ...webhookEndpointResolvers.Mutation, ...relyingPartyResolvers.Mutation },
  WebhookEndpoint: webhookEndpointResolvers.WebhookEndpoint,
  WebhookDelivery: webhookEndpointResolvers.WebhookDelivery,
};
