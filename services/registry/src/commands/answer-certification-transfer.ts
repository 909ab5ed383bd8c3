import { Events } from '@iso20000/events';
import { refuse } from '@iso20000/service-kit';
import type { Actor, RcbActor, StaffActor } from '../access';
import { requiredReason, optionalTransferReason } from '../domain/certification-transfer';
import { runOnceFor, type CommandContext, type Idempotency } from './certification-change';
import {
  closeTransfer,
  completeTransfer,
  lockTransfer,
  saveTransferStep,
  storedTransfer,
  type TransferPayload,
} from './transfer-rows';

/**
 * The answers to a transfer request: the issuing RCB objects or acknowledges, scheme staff decide
 * an objection, the accepting RCB may withdraw its request. Each checks the caller's part first.
 */

const once = async (
  ctx: CommandContext,
  actor: Actor,
  idempotency: Idempotency,
  work: Parameters<typeof runOnceFor<TransferPayload['transfer']>>[4],
): Promise<TransferPayload> => {
  const { result, replayed } = await runOnceFor(ctx, actor, idempotency, storedTransfer, work);
  return { transfer: result, replayed };
};

/** The issuing RCB objects, with a reason, while the window is open; scheme staff then decide. */
export function objectToCertificationTransfer(
  ctx: CommandContext,
  actor: RcbActor,
  command: { id: string; reason: string },
  idempotency: Idempotency,
): Promise<TransferPayload> {
  return once(ctx, actor, idempotency, async (manager, author) => {
    const transfer = await lockTransfer(manager, command.id);
    if (transfer.fromRcbId !== actor.rcbId)
      throw refuse.forbidden('only the issuing RCB objects to the transfer of its certification');
    if (transfer.status !== 'PENDING')
      throw refuse.conflict(`cannot object to a transfer that is ${transfer.status}`);
    if (ctx.now > transfer.objectionDeadline)
      throw refuse.conflict(
        `the objection window ended at ${transfer.objectionDeadline.toISOString()}: the transfer completes`,
      );
    const reason = requiredReason(command.reason, 'reason', 'why the issuing RCB objects to the transfer');
    Object.assign(transfer, {
      status: 'OBJECTED',
      objection: reason,
      objectedBy: author.actor,
      objectedAt: ctx.now,
    });
    return saveTransferStep(manager, transfer, Events.CertificationTransferObjected, reason, author, ctx.now);
  });
}

/** The issuing RCB (or scheme staff for it) acknowledges: the transfer completes now. */
export function acknowledgeCertificationTransfer(
  ctx: CommandContext,
  actor: RcbActor | StaffActor,
  command: { id: string },
  idempotency: Idempotency,
): Promise<TransferPayload> {
  return once(ctx, actor, idempotency, async (manager, author) => {
    const transfer = await lockTransfer(manager, command.id);
    if (!('staff' in actor) && transfer.fromRcbId !== actor.rcbId)
      throw refuse.forbidden('only the issuing RCB (or scheme staff) acknowledges a transfer');
    if (transfer.status !== 'PENDING')
      throw refuse.conflict(
        `cannot acknowledge a transfer that is ${transfer.status}${transfer.status === 'OBJECTED' ? ': scheme staff decide the objection' : ''}`,
      );
    return completeTransfer(ctx, manager, transfer, 'ACKNOWLEDGED', author);
  });
}

/** Scheme staff decide an objection: upheld, the transfer is refused; overruled, it completes. */
export function decideCertificationTransferObjection(
  ctx: CommandContext,
  actor: StaffActor,
  command: { id: string; uphold: boolean; reason: string },
  idempotency: Idempotency,
): Promise<TransferPayload> {
  return once(ctx, actor, idempotency, async (manager, author) => {
    const transfer = await lockTransfer(manager, command.id);
    if (transfer.status !== 'OBJECTED')
      throw refuse.conflict(`there is no objection to decide: the transfer is ${transfer.status}`);
    const reason = requiredReason(command.reason, 'reason', 'why the objection is upheld or overruled');
    Object.assign(transfer, { decisionReason: reason, decidedBy: author.actor, decidedAt: ctx.now });
    if (command.uphold) return closeTransfer(manager, transfer, 'OBJECTION_UPHELD', reason, author, ctx.now);
    await saveTransferStep(
      manager,
      transfer,
      Events.CertificationTransferObjectionDecided,
      reason,
      author,
      ctx.now,
    );
    return completeTransfer(ctx, manager, transfer, 'OBJECTION_OVERRULED', author);
  });
}

/** The accepting RCB withdraws its request while it is open. */
export function cancelCertificationTransferRequest(
  ctx: CommandContext,
  actor: RcbActor,
  command: { id: string; reason?: string | null },
  idempotency: Idempotency,
): Promise<TransferPayload> {
  return once(ctx, actor, idempotency, async (manager, author) => {
    const transfer = await lockTransfer(manager, command.id);
    if (transfer.toRcbId !== actor.rcbId)
      throw refuse.forbidden('only the accepting RCB withdraws its transfer request');
    if (transfer.status !== 'PENDING' && transfer.status !== 'OBJECTED')
      throw refuse.conflict(`cannot withdraw a transfer request that is ${transfer.status}`);
    return closeTransfer(
      manager,
      transfer,
      'CANCELLED_BY_ACCEPTING_RCB',
      optionalTransferReason(command.reason),
      author,
      ctx.now,
    );
  });
}
