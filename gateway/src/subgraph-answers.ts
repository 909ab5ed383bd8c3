import type { ApolloServerPlugin } from '@apollo/server';
import { isSubgraphService, type SubgraphServiceName } from '@iso20000/topology';
import { GraphQLError, type GraphQLFormattedError } from 'graphql';
import type { GatewayContext } from './context';

/** What a client loses when a subgraph cannot be reached, in its own words, never an address. */
const CAPABILITIES: Record<SubgraphServiceName, string> = {
  exam: 'Exams, sessions and results are',
  accreditation: 'Accreditation (ATOs, RCBs and training providers) is',
  certificate: 'Certificates are',
  registry: 'The registry of certified organizations is',
  notifications: 'Webhook endpoints and their deliveries are',
};

/** Codes the gateway itself gives, which a client acts on (retry later, ask for less). */
export const GATEWAY_CODES = new Set([
  'SERVICE_UNAVAILABLE',
  'COST_LIMIT_EXCEEDED',
  'DEPTH_LIMIT_EXCEEDED',
  'ALIAS_LIMIT_EXCEEDED',
  'DIRECTIVE_LIMIT_EXCEEDED',
]);

/**
 * The error for the fields of a subgraph that did not answer (refused the connection, timed out, or
 * answered something that is not GraphQL). The cause, with the subgraph's address, goes to the log.
 */
export function unavailableError(service: string): GraphQLFormattedError {
  const capability = isSubgraphService(service) ? CAPABILITIES[service] : 'Part of the graph is';
  return {
    message: `${capability} unavailable right now; try again shortly`,
    extensions: { code: 'SERVICE_UNAVAILABLE', service },
  };
}

/**
 * An error of the planned path as the subgraph said it: the planner adds the subgraph's internal
 * graph name (`serviceName`) to its extensions, and outside production Apollo Server would replace the
 * subgraph's stack trace with the gateway's own. A gateway refusal carries no stack trace at all.
 */
export function asSubgraphSaidIt(formatted: GraphQLFormattedError, error: unknown): GraphQLFormattedError {
  const { extensions: formattedExtensions, ...rest } = formatted;
  if (!formattedExtensions) return formatted;
  if ('serviceName' in formattedExtensions) {
    const said = error instanceof GraphQLError ? error.extensions : formattedExtensions;
    const { serviceName: _serviceName, ...extensions } = said;
    return Object.keys(extensions).length ? { ...rest, extensions } : rest;
  }
  if (GATEWAY_CODES.has(String(formattedExtensions.code)) && 'stacktrace' in formattedExtensions) {
    const { stacktrace: _stacktrace, ...extensions } = formattedExtensions;
    return { ...rest, extensions };
  }
  return formatted;
}

/**
 * A subgraph's error as a client sees it through the gateway, on either path: `locations` point into
 * the document the subgraph was sent (a planned fetch is not the client's text), so they are dropped.
 */
export function asClientSubgraphError(error: GraphQLFormattedError): GraphQLFormattedError {
  const { locations: _locations, ...rest } = asSubgraphSaidIt(error, error);
  return rest;
}

/**
 * Applies what the subgraphs said to the planned path's answer: a subgraph's non-2xx status becomes
 * the gateway's, and a subgraph's refusal of the request (variables it could not coerce, a credential
 * it did not accept) is the whole answer, as it is on a single-subgraph route, unless a mutation
 * already ran elsewhere in the same operation.
 */
export function subgraphAnswersPlugin(
  format: (error: GraphQLFormattedError, original: unknown, requestId: string) => GraphQLFormattedError,
): ApolloServerPlugin<GatewayContext> {
  return {
    async requestDidStart() {
      return {
        async willSendResponse({ contextValue, response, operation }) {
          const answers = contextValue.subgraphAnswers;
          if (!answers) return;
          const { refusal } = answers;
          if (refusal && (operation?.operation !== 'mutation' || !answers.executed)) {
            response.body = {
              kind: 'single',
              singleResult: {
                errors: refusal.errors.map((error) => {
                  const said = asClientSubgraphError(error);
                  return format(said, said, contextValue.requestId);
                }),
              },
            };
            response.http.status = refusal.status;
          } else if (answers.status !== undefined) {
            response.http.status = answers.status;
          }
          if (answers.retryAfterSeconds !== undefined)
            response.http.headers.set('retry-after', String(answers.retryAfterSeconds));
        },
      };
    },
  };
}
