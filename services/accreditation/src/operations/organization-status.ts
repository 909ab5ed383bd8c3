import { randomUUID } from 'node:crypto';
import { Events, recordEvent } from '@iso20000/events';
import { badUserInput, conflict, notFound } from '@iso20000/service-kit';
import type { EntityManager } from 'typeorm';
import type { ServiceContext } from '../context';
import {
  transitionAto,
  transitionRcb,
  type AtoStatus,
  type LifecycleAction,
  type RcbStatus,
  type TransitionResult,
} from '../domain/organization-lifecycle';
import { AtoStatusChangeEntity } from '../entities/ato-status-change.entity';
import { AtoEntity } from '../entities/ato.entity';
import { RcbStatusChangeEntity } from '../entities/rcb-status-change.entity';
import { RcbEntity } from '../entities/rcb.entity';
import { today } from '../validation';
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

/** Moves an ATO through its lifecycle: row locked, history written and event recorded in one transaction. */
export async function changeAtoStatus(
  context: ServiceContext,
  atoId: string,
  request: StatusChangeRequest,
): Promise<AtoEntity> {
  return context.dataSource.transaction(async (manager) => {
    const ato = await manager
      .getRepository(AtoEntity)
      .findOne({ where: { id: atoId }, lock: { mode: 'pessimistic_write' } });
    if (!ato) throw notFound(`No ATO with id ${atoId}`);
    const result = transitionAto(ato.status, {
      action: request.action,
      reason: request.reason,
      suspendedUntil: request.suspendedUntil,
      today: today(),
    });
    if (!result.ok) refuse(result);
    const now = new Date();
    const previousStatus = ato.status;
    ato.status = result.status;
    ato.statusReason = result.reason;
    ato.suspendedUntil = result.suspendedUntil;
    ato.statusChangedAt = now;
    ato.assessmentNotes = appendNotes(ato.assessmentNotes, request.notes, now);
    await manager.save(ato);
    await recordAtoStatusChange(manager, context, ato, previousStatus, now);
    return ato;
  });
}

export async function recordAtoStatusChange(
  manager: EntityManager,
  context: ServiceContext,
  ato: AtoEntity,
  previousStatus: AtoStatus | null,
  at: Date,
): Promise<void> {
  await manager.insert(AtoStatusChangeEntity, {
    id: randomUUID(),
    atoId: ato.id,
    fromStatus: previousStatus,
    toStatus: ato.status,
    reason: ato.statusReason,
    suspendedUntil: ato.suspendedUntil,
    changedBy: context.viewer.subject,
    changedAt: at,
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

export async function changeRcbStatus(
  context: ServiceContext,
  rcbId: string,
  request: StatusChangeRequest,
): Promise<RcbEntity> {
  return context.dataSource.transaction(async (manager) => {
    const rcb = await manager
      .getRepository(RcbEntity)
      .findOne({ where: { id: rcbId }, lock: { mode: 'pessimistic_write' } });
    if (!rcb) throw notFound(`No RCB with id ${rcbId}`);
    const result = transitionRcb(rcb.status, {
      action: request.action,
      reason: request.reason,
      suspendedUntil: request.suspendedUntil,
      today: today(),
    });
    if (!result.ok) refuse(result);
    const now = new Date();
    const previousStatus = rcb.status;
    rcb.status = result.status;
    rcb.statusReason = result.reason;
    rcb.suspendedUntil = result.suspendedUntil;
    rcb.statusChangedAt = now;
    rcb.assessmentNotes = appendNotes(rcb.assessmentNotes, request.notes, now);
    await manager.save(rcb);
    await recordRcbStatusChange(manager, context, rcb, previousStatus, now);
    if (rcb.status === 'WITHDRAWN') await revokeAllRcbCredentials(manager, context, rcb.id);
    return rcb;
  });
}

export async function recordRcbStatusChange(
  manager: EntityManager,
  context: ServiceContext,
  rcb: RcbEntity,
  previousStatus: RcbStatus | null,
  at: Date,
): Promise<void> {
  await manager.insert(RcbStatusChangeEntity, {
    id: randomUUID(),
    rcbId: rcb.id,
    fromStatus: previousStatus,
    toStatus: rcb.status,
    reason: rcb.statusReason,
    suspendedUntil: rcb.suspendedUntil,
    changedBy: context.viewer.subject,
    changedAt: at,
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
