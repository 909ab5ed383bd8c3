import { refuse } from '@iso20000/service-kit';
import type { StaffActor } from '../access';
import { OrganizationCertificationEntity } from '../entities/organization-certification.entity';
import {
  lockForChange,
  refuseIfUntransferred,
  runOnce,
  type CertificationPayload,
  type ChangeTarget,
  type CommandContext,
  type Idempotency,
} from './certification-change';
import { moveCertification, openTransferOf } from './transfer-rows';

export interface TransferCertification extends ChangeTarget {
  /** The accepting RCB. */
  toRcbId: string;
  /** The accepting RCB's own number for it; the current one when absent. */
  certificateNumber?: string | null;
  reason?: string | null;
}

/**
 * Scheme staff move a valid certification to an appointed RCB directly (e.g. for an RCB that lost its
 * appointment): the cycle dates carry over; refused while suspended or while a transfer is pending.
 * RCBs never act here: the accepting RCB requests a transfer (IAF MD 2).
 */
export function transferCertification(
  ctx: CommandContext,
  actor: StaffActor,
  command: TransferCertification,
  idempotency: Idempotency,
): Promise<CertificationPayload> {
  return runOnce(ctx, actor, idempotency, async (manager, author) => {
    const before = await lockForChange(manager, command.id, actor, command.expectedVersion);
    const pending = await openTransferOf(manager, before.id);
    if (pending)
      throw refuse.conflict(
        `a transfer of this certification to another RCB is ${pending.status} (requested ${pending.requestedAt.toISOString()}): decide it first`,
      );
    refuseIfUntransferred(before, ctx.today);
    const after = await moveCertification(ctx, manager, before, command, author);
    await manager
      .getRepository(OrganizationCertificationEntity)
      .update({ id: before.id }, { transferDeadline: null });
    return Object.assign(after, { transferDeadline: null });
  });
}
