import { refuse } from '@iso20000/service-kit';
import type { RcbActor } from '../access';
import { transfer } from '../domain/certification-lifecycle';
import { OrganizationCertificationEntity } from '../entities/organization-certification.entity';
import {
  lockForChange,
  rcbStatusOf,
  runOnce,
  type CertificationPayload,
  type ChangeTarget,
  type CommandContext,
  type Idempotency,
} from './certification-change';
import { saveStep, stateOf } from './certification-rows';

export interface TransferCertification extends ChangeTarget {
  /** The accepting RCB's own number for it; the current one when absent. */
  certificateNumber?: string | null;
  reason?: string | null;
}

/**
 * The accepting RCB (the actor) takes over another RCB's valid certification (IAF MD 2): the cycle
 * dates carry over; refused while suspended.
 */
export function transferCertification(
  ctx: CommandContext,
  actor: RcbActor,
  command: TransferCertification,
  idempotency: Idempotency,
): Promise<CertificationPayload> {
  const { rcbId } = actor;
  return runOnce(ctx, actor, idempotency, async (manager, author) => {
    const before = await lockForChange(manager, command.id, actor, command.expectedVersion, {
      allowOtherRcb: true,
    });
    const step = transfer(
      stateOf(before),
      { toRcbId: rcbId, certificateNumber: command.certificateNumber, reason: command.reason },
      { today: ctx.today, rcbStatus: await rcbStatusOf(ctx, manager, rcbId) },
    );
    const taken = await manager
      .getRepository(OrganizationCertificationEntity)
      .existsBy({ rcbId, certificateNumber: step.state.certificateNumber });
    if (taken)
      throw refuse.conflict(
        `your RCB already has certificate number ${step.state.certificateNumber}: send another certificateNumber`,
      );
    return saveStep(manager, before, step, author);
  });
}
