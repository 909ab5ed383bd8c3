import type { ServiceContext } from '../context';
import type { RcbCredentialEntity } from '../entities/rcb-credential.entity';
import { issueRcbCredential, lockLiveCredential, markRcbCredentialRevoked } from './rcb-credential-records';

/** Replaces a credential with a new one (same label); the old one stops working at once. */
export async function rotateRcbCredential(
  context: ServiceContext,
  credentialId: string,
): Promise<{ credential: RcbCredentialEntity; apiKey: string }> {
  return context.dataSource.transaction(async (manager) => {
    const old = await lockLiveCredential(context, manager, credentialId);
    const issued = await issueRcbCredential(manager, context, old.rcbId, old.label, old.id);
    await markRcbCredentialRevoked(manager, context, old);
    return issued;
  });
}
