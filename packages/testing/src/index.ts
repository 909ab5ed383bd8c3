export { createTestDatabase, testServerUrl, type TestDatabase } from './database';
export { connectTestNats, deleteNamespaceStreams, publishEvent, testNamespace, testNatsUrl } from './nats';
export { LocalNatsServer } from './nats-server';
export { NatsCluster, type NatsClusterNode, type NatsClusterOptions } from './nats-cluster';
export { entitiesBothWays } from './entities-both-ways';
export { eventually, sleep } from './eventually';
export { untyped, validPayloads } from './event-payloads';
export { viewers } from './viewers';
export { WebhookReceiver, type ReceivedWebhook } from './webhook-receiver';
export {
  executeOperation,
  errorCodes,
  ok,
  postGraphQL,
  tokenFor,
  TEST_AUTH_SECRET,
  type OperationResult,
} from './graphql';
export {
  startServiceHarness,
  type ServiceHarness,
  type ServiceHarnessOptions,
  type TestableService,
} from './service-harness';
