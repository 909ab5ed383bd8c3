import { randomUUID } from 'node:crypto';
import { Events, recordEvent } from '@iso20000/events';
import { badUserInput, conflict } from '@iso20000/service-kit';
import type { EntityManager, EntityTarget } from 'typeorm';
import type { ServiceContext } from '../context';
import {
  transitionAto,
  transitionRcb,
  type AtoStatus,
  type LifecycleAction,
  type RcbStatus,
  type TransitionRequest,
  type TransitionResult,
} from '../domain/organization-lifecycle';
import { AtoStatusChangeEntity } from '../entities/ato-status-change.entity';
import { AtoEntity } from '../entities/ato.entity';
import { RcbStatusChangeEntity } from '../entities/rcb-status-change.entity';
import type { OrganizationColumns, OrganizationStatusChangeColumns } from '../entities/organization-columns';
import { RcbEntity } from '../entities/rcb.entity';
import { today } from '../validation';
import { lockedRow } from './row-lock';
import { revokeAllRcbCredentials } from './rcb-credentials';

export interface StatusChangeRequest {
  action: LifecycleAction;
  reason?: string | null;
  suspendedUntil?: string | null;
  /** Assessment notes, appended to the organization's record (scheme staff only see them). */
  notes?: string | null;
}

/** Event reasons are bounded by the catalogue; the full text stays in the history. */
function eventReason(reason: string | null): string | null {
  return reason === null ? null : reason.slice(0, 2000);
}

function appendNotes(existing: string | null, notes: string | null | undefined, at: Date): string | null {
  if (!notes) return existing;
  const entry = `[${at.toISOString()}] ${notes}`;
  return existing ? `${existing}\n\n${entry}` : entry;
}

function refuse(result: Extract<TransitionResult<string>, { ok: false }>): never {
  throw result.code === 'CONFLICT' ? conflict(result.message) : badUserInput(result.message);
}

type Organization<S extends string> = OrganizationColumns<S> & { id: string };

/** What differs between moving an ATO and moving an RCB: its table, its lifecycle words, its history. */
interface OrganizationKind<S extends string, O extends Organization<S>> {
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

/** Moves an organization through its lifecycle: row locked, history written and event recorded in one transaction. */
async function changeOrganizationStatus<S extends string, O extends Organization<S>>(
  kind: OrganizationKind<S, O>,
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
    if (!result.ok) refuse(result);
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

/** The history row's columns, the same for both kinds (each adds its own reference). */
function historyRow<S extends string>(
  context: ServiceContext,
  organization: Organization<S>,
  previousStatus: S | null,
  at: Date,
): OrganizationStatusChangeColumns<S> & { id: string } {
  return {
    id: randomUUID(),
    fromStatus: previousStatus,
    toStatus: organization.status,
    reason: organization.statusReason,
    suspendedUntil: organization.suspendedUntil,
    changedBy: context.viewer.subject,
    changedAt: at,
  };
}

export async function recordAtoStatusChange(
  manager: EntityManager,
  context: ServiceContext,
  ato: AtoEntity,
  previousStatus: AtoStatus | null,
  at: Date,
): Promise<void> {
  await manager.insert(AtoStatusChangeEntity, {
    ...historyRow(context, ato, previousStatus, at),
    atoId: ato.id,
  });
  await recordEvent(
    manager,
    Events.AtoStatusChanged,
    {
      atoId: ato.id,
      name: ato.name,
      country: ato.country,
      status: ato.status,
      previousStatus,
      reason: eventReason(ato.statusReason),
      changedAt: at.toISOString(),
    },
    { requestId: context.requestId },
  );
}

export async function recordRcbStatusChange(
  manager: EntityManager,
  context: ServiceContext,
  rcb: RcbEntity,
  previousStatus: RcbStatus | null,
  at: Date,
): Promise<void> {
  await manager.insert(RcbStatusChangeEntity, {
    ...historyRow(context, rcb, previousStatus, at),
    rcbId: rcb.id,
  });
  await recordEvent(
    manager,
    Events.RcbStatusChanged,
    {
      rcbId: rcb.id,
      name: rcb.name,
      status: rcb.status,
      previousStatus,
      reason: eventReason(rcb.statusReason),
      changedAt: at.toISOString(),
    },
    { requestId: context.requestId },
  );
}

const ATO_KIND: OrganizationKind<AtoStatus, AtoEntity> = {
  label: 'ATO',
  entity: AtoEntity,
  transition: transitionAto,
  recordChange: recordAtoStatusChange,
};

const RCB_KIND: OrganizationKind<RcbStatus, RcbEntity> = {
  label: 'RCB',
  entity: RcbEntity,
  transition: transitionRcb,
  recordChange: recordRcbStatusChange,
  afterChange: async (manager, context, rcb) => {
    if (rcb.status === 'WITHDRAWN') await revokeAllRcbCredentials(manager, context, rcb.id);
  },
};

export function changeAtoStatus(
  context: ServiceContext,
  atoId: string,
  request: StatusChangeRequest,
): Promise<AtoEntity> {
  return changeOrganizationStatus(ATO_KIND, context, atoId, request);
}

export function changeRcbStatus(
  context: ServiceContext,
  rcbId: string,
  request: StatusChangeRequest,
): Promise<RcbEntity> {
  return changeOrganizationStatus(RCB_KIND, context, rcbId, request);
}
