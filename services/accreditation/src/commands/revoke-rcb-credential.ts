import type { ServiceContext } from '../context';
import type { RcbCredentialEntity } from '../entities/rcb-credential.entity';
import { lockLiveCredential, markRcbCredentialRevoked } from './rcb-credential-records';

/** Revokes a credential: every verifier refuses it within seconds. */
export async function revokeRcbCredential(
  context: ServiceContext,
  credentialId: string,
): Promise<RcbCredentialEntity> {
  return context.dataSource.transaction(async (manager) =>
    markRcbCredentialRevoked(manager, context, await lockLiveCredential(context, manager, credentialId)),
  );
}
