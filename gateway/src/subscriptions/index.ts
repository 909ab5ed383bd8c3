// GraphQL subscriptions served by the gateway from JetStream (gateway/README.md, "Subscriptions").
export { loadSubscriptionConfig, subscriptionConfigShape, type SubscriptionConfig } from './config';
export {
  buildSubscriptionSchema,
  serveSubscriptions,
  subscriptionSdlRoute,
  SUBSCRIPTION_CLOSE,
  SUBSCRIPTION_SDL_PATH,
  type SubscriptionServer,
  type SubscriptionServerOptions,
} from './subscription-server';
export { decodeFeedCursor, encodeFeedCursor, type FeedPositions } from './cursor';
