import type { ServiceContext } from '../context';
import {
  changeOrganizationStatus,
  type LifecycleKind,
  type Organization,
} from './change-organization-status';

/** Scheme staff suspend a granted organization, with a reason and optionally a planned end. */
export function suspendOrganization<S extends string, O extends Organization<S>>(
  kind: LifecycleKind<S, O>,
  context: ServiceContext,
  id: string,
  suspension: { reason: string; until: string | null },
): Promise<O> {
  return changeOrganizationStatus(kind, context, id, {
    action: 'SUSPEND',
    reason: suspension.reason,
    suspendedUntil: suspension.until,
  });
}
