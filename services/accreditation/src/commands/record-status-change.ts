import { randomUUID } from 'node:crypto';
import { Events, recordEvent } from '@iso20000/events';
import type { EntityManager } from 'typeorm';
import type { ServiceContext } from '../context';
import type { AtoStatus, RcbStatus } from '@iso20000/scheme';
import { AtoStatusChangeEntity } from '../entities/ato-status-change.entity';
import type { AtoEntity } from '../entities/ato.entity';
import type { OrganizationColumns, OrganizationStatusChangeColumns } from '../entities/organization-columns';
import { RcbStatusChangeEntity } from '../entities/rcb-status-change.entity';
import type { RcbEntity } from '../entities/rcb.entity';

/** The catalogue bounds an event's reason; the full text stays in the history. */
const EVENT_REASON_MAX = 2000;

function eventReason(reason: string | null): string | null {
  return reason === null ? null : reason.slice(0, EVENT_REASON_MAX);
}

/** The history row's columns, the same for both kinds (each adds its own reference). */
function historyRow<S extends string>(
  context: ServiceContext,
  organization: OrganizationColumns<S>,
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

/** An ATO's step in its history and its event, inside the caller's transaction. */
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

/** An RCB's step in its history and its event, inside the caller's transaction. */
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
