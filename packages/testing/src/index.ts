export { createTestDatabase, testServerUrl, type TestDatabase } from './database';
export { connectTestNats, deleteNamespaceStreams, testNamespace, testNatsUrl } from './nats';
export {
  executeOperation,
  errorCodes,
  postGraphQL,
  tokenFor,
  TEST_AUTH_SECRET,
  type OperationResult,
} from './graphql';
export {
  startServiceHarness,
  eventually,
  type ServiceHarness,
  type ServiceHarnessOptions,
  type TestableService,
} from './service-harness';
