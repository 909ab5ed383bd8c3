import type { ServiceContext } from '../context';
import {
  changeOrganizationStatus,
  type LifecycleKind,
  type Organization,
} from './change-organization-status';

/**
 * Scheme staff grant (accredit an ATO, appoint an RCB) or reject an application under assessment;
 * the notes are both the reason in the history and an entry in the assessment notes.
 */
export function decideApplication<S extends string, O extends Organization<S>>(
  kind: LifecycleKind<S, O>,
  context: ServiceContext,
  id: string,
  decision: { grant: boolean; notes: string },
): Promise<O> {
  return changeOrganizationStatus(kind, context, id, {
    action: decision.grant ? 'GRANT' : 'REJECT',
    reason: decision.notes,
    notes: decision.notes,
  });
}
