import { Events, recordEvent, type EventDefinition, type PayloadOf } from '@iso20000/events';
import { DomainRefusal, refuse } from '@iso20000/service-kit';
import type { EntityManager } from 'typeorm';
import {
  OPEN_TRANSFER_STATUSES,
  requiredReason,
  type TransferOutcome,
} from '../domain/certification-transfer';
import { CertificationTransferEntity } from '../entities/certification-transfer.entity';
import { OrganizationCertificationEntity } from '../entities/organization-certification.entity';
import { transfer as transferStep, type LifecycleStep } from '../domain/certification-lifecycle';
import {
  lockCertification,
  rcbStatusOf,
  type CommandContext,
  type StoredResult,
} from './certification-change';
import { saveStep, stateOf, type ChangeAuthor } from './certification-rows';

/** What the transfer commands share: the locked reads, the saved step with its event, the completion. */

export interface TransferPayload {
  transfer: CertificationTransferEntity;
  replayed: boolean;
}

type TransferStepEvent = EventDefinition<PayloadOf<typeof Events.CertificationTransferRequested>>;

const INSTANTS = [
  'requestedAt',
  'objectionDeadline',
  'objectedAt',
  'decidedAt',
  'closedAt',
  'updatedAt',
] as const;

/** Transfers survive a JSON round trip (idempotency records) once their instants are Dates again. */
export const storedTransfer: StoredResult<CertificationTransferEntity> = {
  toJson: (transfer) => transfer,
  fromJson: (json) => {
    const raw = json as Record<string, unknown>;
    const transfer = new CertificationTransferEntity();
    Object.assign(transfer, raw);
    for (const key of INSTANTS) {
      const value = raw[key];
      (transfer as unknown as Record<string, Date | null>)[key] =
        typeof value === 'string' ? new Date(value) : null;
    }
    return transfer;
  },
};

export async function lockTransfer(manager: EntityManager, id: string): Promise<CertificationTransferEntity> {
  const transfer = await manager
    .getRepository(CertificationTransferEntity)
    .findOne({ where: { id }, lock: { mode: 'pessimistic_write' } });
  if (!transfer) throw refuse.notFound(`No certification transfer with id ${id}`);
  return transfer;
}

/** The open (PENDING or OBJECTED) transfer of a certification, if any, locked. */
export async function openTransferOf(
  manager: EntityManager,
  certificationId: string,
): Promise<CertificationTransferEntity | null> {
  return manager
    .getRepository(CertificationTransferEntity)
    .createQueryBuilder('t')
    .where('t.certification_id = :certificationId AND t.status IN (:...open)', {
      certificationId,
      open: OPEN_TRANSFER_STATUSES,
    })
    .setLock('pessimistic_write')
    .getOne();
}

export function transferStepPayload(
  transfer: CertificationTransferEntity,
  now: Date,
  reason: string | null,
): PayloadOf<typeof Events.CertificationTransferRequested> {
  return {
    transferId: transfer.id,
    certificationId: transfer.certificationId,
    certificateNumber: transfer.certificateNumber,
    fromRcbId: transfer.fromRcbId,
    toRcbId: transfer.toRcbId,
    status: transfer.status,
    objectionDeadline: transfer.objectionDeadline.toISOString(),
    reason,
    outcome: transfer.outcome,
    occurredAt: now.toISOString(),
  };
}

/** Saves the transfer's new state and records its step's event, in the caller's transaction. */
export async function saveTransferStep(
  manager: EntityManager,
  transfer: CertificationTransferEntity,
  event: TransferStepEvent,
  reason: string | null,
  author: ChangeAuthor,
  now: Date,
): Promise<CertificationTransferEntity> {
  transfer.updatedAt = now;
  await manager.getRepository(CertificationTransferEntity).save(transfer);
  await recordEvent(manager, event, transferStepPayload(transfer, now, reason), {
    requestId: author.requestId,
  });
  return transfer;
}

/** Closes a transfer without moving the certification. */
export function closeTransfer(
  manager: EntityManager,
  transfer: CertificationTransferEntity,
  outcome: TransferOutcome,
  closeReason: string | null,
  author: ChangeAuthor,
  now: Date,
): Promise<CertificationTransferEntity> {
  Object.assign(transfer, {
    status: outcome === 'OBJECTION_UPHELD' ? 'REFUSED' : 'CANCELLED',
    outcome,
    closeReason,
    closedBy: author.actor,
    closedAt: now,
  });
  return saveTransferStep(
    manager,
    transfer,
    outcome === 'OBJECTION_UPHELD'
      ? Events.CertificationTransferObjectionDecided
      : Events.CertificationTransferCancelled,
    closeReason,
    author,
    now,
  );
}

/**
 * Completes an open transfer (locked by the caller): the certification moves to the accepting RCB
 * with its cycle, its withdrawn RCB's deadline no longer applies, and the transfer closes
 * COMPLETED. If the certification is no longer transferable (suspended or expired meanwhile, the
 * accepting RCB no longer appointed, its number taken), the transfer closes CANCELLED saying why.
 */
export async function completeTransfer(
  ctx: CommandContext,
  manager: EntityManager,
  transfer: CertificationTransferEntity,
  outcome: Extract<TransferOutcome, 'ACKNOWLEDGED' | 'OBJECTION_WINDOW_ENDED' | 'OBJECTION_OVERRULED'>,
  author: ChangeAuthor,
): Promise<CertificationTransferEntity> {
  const before = await lockCertification(manager, transfer.certificationId);
  try {
    if (before.rcbId !== transfer.fromRcbId)
      throw refuse.conflict('the certification is no longer held by the RCB it was requested from');
    if (before.transferDeadline && ctx.today > before.transferDeadline)
      throw refuse.conflict(`the certification expired on its transfer deadline ${before.transferDeadline}`);
    await moveCertification(
      ctx,
      manager,
      before,
      {
        toRcbId: transfer.toRcbId,
        certificateNumber: transfer.newCertificateNumber,
        reason:
          transfer.reason ?? `transferred to the accepting RCB (${outcome.toLowerCase().replace(/_/g, ' ')})`,
      },
      author,
    );
  } catch (err) {
    // nothing was written before these refusals: the transfer closes instead, honestly
    if (err instanceof DomainRefusal && err.code === 'CONFLICT')
      return closeTransfer(manager, transfer, 'NO_LONGER_TRANSFERABLE', err.message, author, ctx.now);
    throw err;
  }
  await manager
    .getRepository(OrganizationCertificationEntity)
    .update({ id: before.id }, { transferDeadline: null });
  Object.assign(transfer, { status: 'COMPLETED', outcome, closedBy: author.actor, closedAt: ctx.now });
  return saveTransferStep(manager, transfer, Events.CertificationTransferCompleted, null, author, ctx.now);
}

/**
 * The transfer itself, on a certification locked by the caller: the lifecycle step (refused unless
 * CERTIFIED and the accepting RCB APPOINTED), the accepting RCB's number free, history and event.
 */
export async function moveCertification(
  ctx: CommandContext,
  manager: EntityManager,
  before: OrganizationCertificationEntity,
  command: { toRcbId: string; certificateNumber?: string | null; reason?: string | null },
  author: ChangeAuthor,
): Promise<OrganizationCertificationEntity> {
  const step: LifecycleStep = transferStep(
    stateOf(before),
    { toRcbId: command.toRcbId, certificateNumber: command.certificateNumber, reason: command.reason },
    { today: ctx.today, rcbStatus: await rcbStatusOf(ctx, manager, command.toRcbId) },
  );
  const taken = await manager
    .getRepository(OrganizationCertificationEntity)
    .existsBy({ rcbId: command.toRcbId, certificateNumber: step.state.certificateNumber });
  if (taken)
    throw refuse.conflict(
      `the accepting RCB already has certificate number ${step.state.certificateNumber}: send another certificateNumber`,
    );
  return saveStep(manager, before, step, author, ctx.today);
}

/**
 * IAF MD 2 2.4.2: after notice of a transfer, the issuing RCB suspends or withdraws the
 * certification only if the organization no longer conforms, and records why. With a transfer
 * open, the justification is required; the transfer then closes CANCELLED with it as its reason.
 */
export async function closeTransferForIssuerAction(
  ctx: Pick<CommandContext, 'now'>,
  manager: EntityManager,
  certificationId: string,
  action: 'SUSPENDED_BY_ISSUING_RCB' | 'WITHDRAWN_BY_ISSUING_RCB',
  justification: string | null | undefined,
  author: ChangeAuthor,
): Promise<void> {
  const open = await openTransferOf(manager, certificationId);
  if (!open) return;
  const verb = action === 'SUSPENDED_BY_ISSUING_RCB' ? 'suspend' : 'withdraw';
  const why = requiredReason(
    justification,
    'conformityJustification',
    `a transfer of this certification to another RCB is ${open.status} (requested ${open.requestedAt.toISOString()}): after notice of a transfer the issuing RCB may ${verb} it only if the organization no longer conforms (IAF MD 2), so record why`,
  );
  await closeTransfer(manager, open, action, why, author, ctx.now);
}
