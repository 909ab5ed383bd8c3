import type { ServiceContext } from '../context';
import {
  changeOrganizationStatus,
  type LifecycleKind,
  type Organization,
} from './change-organization-status';

/** Scheme staff start assessing an application (ATO or RCB), optionally with first notes. */
export function beginAssessment<S extends string, O extends Organization<S>>(
  kind: LifecycleKind<S, O>,
  context: ServiceContext,
  id: string,
  notes: string | null,
): Promise<O> {
  return changeOrganizationStatus(kind, context, id, { action: 'BEGIN_ASSESSMENT', notes });
}
