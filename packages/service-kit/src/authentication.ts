import {
  createAuthenticator,
  createCredentialStore,
  type Authenticator,
  type CredentialStore,
} from '@iso20000/auth';
import type { NatsConnection } from 'nats';
import { assertAuthConfigured, type BaseServiceConfig } from './config';
import type { Logger } from './logger';

type AuthConfig = Pick<
  BaseServiceConfig,
  | 'NODE_ENV'
  | 'AUTH_DEV_SECRET'
  | 'AUTH_JWKS_URL'
  | 'AUTH_ISSUER'
  | 'AUTH_AUDIENCE'
  | 'AUTH_MAX_TOKEN_LIFETIME_S'
  | 'AUTH_CLOCK_SKEW_S'
  | 'EVENTS_NAMESPACE'
  | 'REPLICA_MAX_STALENESS_MS'
>;

/**
 * The same verification in the gateway and in every subgraph: JWTs for people, RCB API keys checked
 * against credentials replicated from accreditation's events (so revocations arrive within seconds).
 */
export async function createServiceAuthenticator(
  config: AuthConfig,
  nc: NatsConnection,
  logger: Logger,
  processName: string,
): Promise<{ authenticator: Authenticator; credentials: CredentialStore }> {
  assertAuthConfigured(config as BaseServiceConfig);
  const credentials = await createCredentialStore({
    nc,
    namespace: config.EVENTS_NAMESPACE,
    logger,
    name: processName,
    maxStalenessMs: config.REPLICA_MAX_STALENESS_MS,
  });
  const authenticator = createAuthenticator({
    devSecret: config.NODE_ENV === 'production' ? undefined : config.AUTH_DEV_SECRET,
    jwksUrl: config.AUTH_JWKS_URL,
    issuer: config.AUTH_ISSUER,
    audience: config.AUTH_AUDIENCE,
    maxTokenLifetimeS: config.AUTH_MAX_TOKEN_LIFETIME_S,
    clockTolerance: config.AUTH_CLOCK_SKEW_S,
    credentials,
    logger,
  });
  return { authenticator, credentials };
}
