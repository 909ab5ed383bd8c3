import type { ServiceContext } from '../context';
import {
  changeOrganizationStatus,
  type LifecycleKind,
  type Organization,
} from './change-organization-status';

/** Scheme staff end a suspension; the organization is granted again. */
export function reinstateOrganization<S extends string, O extends Organization<S>>(
  kind: LifecycleKind<S, O>,
  context: ServiceContext,
  id: string,
  reason: string | null,
): Promise<O> {
  return changeOrganizationStatus(kind, context, id, { action: 'REINSTATE', reason });
}
