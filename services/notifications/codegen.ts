import { subgraphCodegenConfig } from '../../tools/dev/src/codegen-config';

// Resolver types for this subgraph; `mappers` names the model each GraphQL type resolves from.
export default subgraphCodegenConfig({
  WebhookEndpoint: '../entities/webhook-endpoint.entity#WebhookEndpointEntity',
  WebhookDelivery: '../entities/webhook-delivery.entity#WebhookDeliveryEntity',
  WebhookDeliveryAttempt: '../entities/webhook-delivery-attempt.entity#WebhookDeliveryAttemptEntity',
  RelyingParty: '../entities/relying-party.entity#RelyingPartyEntity',
});
