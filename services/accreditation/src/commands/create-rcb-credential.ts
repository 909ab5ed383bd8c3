import { RCB_ACTIVE_STATUS } from '@iso20000/scheme';
import { refuse } from '@iso20000/service-kit';
import type { ServiceContext } from '../context';
import type { RcbCredentialEntity } from '../entities/rcb-credential.entity';
import { RcbEntity } from '../entities/rcb.entity';
import { issueRcbCredential } from './rcb-credential-records';
import { lockedRow } from './row-lock';

/** An appointed (or suspended) RCB gets an integration credential; its key is shown once. */
export async function createRcbCredential(
  context: ServiceContext,
  rcbId: string,
  label: string | null,
): Promise<{ credential: RcbCredentialEntity; apiKey: string }> {
  return context.dataSource.transaction(async (manager) => {
    const rcb = await lockedRow(manager, RcbEntity, rcbId, 'RCB', 'pessimistic_read');
    if (rcb.status !== RCB_ACTIVE_STATUS && rcb.status !== 'SUSPENDED') {
      throw refuse.conflict(`Only an appointed RCB gets integration credentials; this one is ${rcb.status}`);
    }
    return issueRcbCredential(manager, context, rcbId, label, null);
  });
}
