import type { ServiceContext } from '../context';
import {
  changeOrganizationStatus,
  type LifecycleKind,
  type Organization,
} from './change-organization-status';

/** Scheme staff withdraw a granted or suspended organization for good (an RCB's credentials go with it). */
export function withdrawOrganization<S extends string, O extends Organization<S>>(
  kind: LifecycleKind<S, O>,
  context: ServiceContext,
  id: string,
  reason: string,
): Promise<O> {
  return changeOrganizationStatus(kind, context, id, { action: 'WITHDRAW', reason });
}
