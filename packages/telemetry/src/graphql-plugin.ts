import type { ApolloServerPlugin, BaseContext } from '@apollo/server';
import { context, trace } from '@opentelemetry/api';
import { graphqlOperationDuration, operationLabel } from './metrics';

/**
 * Counts and times every GraphQL operation by name, type and outcome, and names the request's
 * span after the operation (`query certifiedOrganizations`), for the gateway and each subgraph.
 */
export function graphqlTelemetryPlugin<TContext extends BaseContext>(): ApolloServerPlugin<TContext> {
  return {
    async requestDidStart() {
      const started = process.hrtime.bigint();
      const span = trace.getSpan(context.active());
      return {
        async didResolveOperation({ operationName, operation }) {
          if (!span || !operation) return;
          span.updateName(`${operation.operation} ${operationName ?? 'anonymous'}`);
          span.setAttribute('graphql.operation.type', operation.operation);
          if (operationName) span.setAttribute('graphql.operation.name', operationName);
        },
        async willSendResponse({ operationName, operation, errors, response }) {
          const body = response.body.kind === 'single' ? response.body.singleResult : undefined;
          const failed = (errors?.length ?? 0) > 0 || (body?.errors?.length ?? 0) > 0;
          const hasData = body?.data !== undefined && body?.data !== null;
          const outcome = !failed ? 'ok' : hasData ? 'partial' : 'error';
          graphqlOperationDuration.observe(
            { operation: operationLabel(operationName), type: operation?.operation ?? 'unknown', outcome },
            Number(process.hrtime.bigint() - started) / 1e9,
          );
          if (span && failed) span.setAttribute('graphql.outcome', outcome);
        },
      };
    },
  };
}
