import { DomainRefusal } from '@iso20000/service-kit';
import type { EntityManager, EntityTarget } from 'typeorm';
import type { ServiceContext } from '../context';
import type { AtoStatus, RcbStatus } from '@iso20000/scheme';
import {
  transitionAto,
  transitionRcb,
  type LifecycleAction,
  type TransitionRequest,
  type TransitionResult,
} from '../domain/organization-lifecycle';
import { today } from '../domain/today';
import { AtoEntity } from '../entities/ato.entity';
import type { OrganizationColumns } from '../entities/organization-columns';
import { RcbEntity } from '../entities/rcb.entity';
import { revokeAllRcbCredentials } from './rcb-credential-records';
import { recordAtoStatusChange, recordRcbStatusChange } from './record-status-change';
import { lockedRow } from './row-lock';

export interface StatusChangeRequest {
  action: LifecycleAction;
  reason?: string | null;
  suspendedUntil?: string | null;
  /** Assessment notes, appended to the organization's record (only scheme staff read them). */
  notes?: string | null;
}

export type Organization<S extends string> = OrganizationColumns<S> & { id: string };

/** What differs between moving an ATO and moving an RCB: its table, its lifecycle words, its history. */
export interface LifecycleKind<S extends string, O extends Organization<S>> {
  label: 'ATO' | 'RCB';
  entity: EntityTarget<O>;
  transition(current: S, request: TransitionRequest): TransitionResult<S>;
  recordChange(
    manager: EntityManager,
    context: ServiceContext,
    organization: O,
    previousStatus: S | null,
    at: Date,
  ): Promise<void>;
  /** Consequences in the same transaction (an RCB's credentials go when it is withdrawn). */
  afterChange?(manager: EntityManager, context: ServiceContext, organization: O): Promise<void>;
}

export const ATO_LIFECYCLE: LifecycleKind<AtoStatus, AtoEntity> = {
  label: 'ATO',
  entity: AtoEntity,
  transition: transitionAto,
  recordChange: recordAtoStatusChange,
};

export const RCB_LIFECYCLE: LifecycleKind<RcbStatus, RcbEntity> = {
  label: 'RCB',
  entity: RcbEntity,
  transition: transitionRcb,
  recordChange: recordRcbStatusChange,
  afterChange: async (manager, context, rcb) => {
    if (rcb.status === 'WITHDRAWN') await revokeAllRcbCredentials(manager, context, rcb.id);
  },
};

function appendNotes(existing: string | null, notes: string | null | undefined, at: Date): string | null {
  if (!notes) return existing;
  const entry = `[${at.toISOString()}] ${notes}`;
  return existing ? `${existing}\n\n${entry}` : entry;
}

/**
 * Moves an organization through its lifecycle: the row locked (concurrent moves are serialized, the
 * loser gets CONFLICT from the state machine), the history written and the event recorded in one
 * transaction.
 */
export async function changeOrganizationStatus<S extends string, O extends Organization<S>>(
  kind: LifecycleKind<S, O>,
  context: ServiceContext,
  id: string,
  request: StatusChangeRequest,
): Promise<O> {
  return context.dataSource.transaction(async (manager) => {
    const organization = await lockedRow(manager, kind.entity, id, kind.label);
    const result = kind.transition(organization.status, {
      action: request.action,
      reason: request.reason,
      suspendedUntil: request.suspendedUntil,
      today: today(),
    });
    if (!result.ok) throw new DomainRefusal(result.code, result.message);
    const now = new Date();
    const previousStatus = organization.status;
    organization.status = result.status;
    organization.statusReason = result.reason;
    organization.suspendedUntil = result.suspendedUntil;
    organization.statusChangedAt = now;
    organization.assessmentNotes = appendNotes(organization.assessmentNotes, request.notes, now);
    await manager.save(organization);
    await kind.recordChange(manager, context, organization, previousStatus, now);
    await kind.afterChange?.(manager, context, organization);
    return organization;
  });
}
