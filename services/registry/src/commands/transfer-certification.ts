import { refuse } from '@iso20000/service-kit';
import type { EntityManager } from 'typeorm';
import type { StaffActor } from '../access';
import { transfer, type LifecycleStep } from '../domain/certification-lifecycle';
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
import { saveStep, stateOf, type ChangeAuthor } from './certification-rows';

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
    return moveCertification(ctx, manager, before, command, author);
  });
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
  const step: LifecycleStep = transfer(
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
  return saveStep(manager, before, step, author);
}
