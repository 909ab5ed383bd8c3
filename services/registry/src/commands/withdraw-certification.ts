import type { RcbActor } from '../access';
import { withdraw } from '../domain/certification-lifecycle';
import {
  changeCertification,
  type CertificationPayload,
  type ChangeTarget,
  type CommandContext,
  type Idempotency,
} from './certification-change';

export interface WithdrawCertification extends ChangeTarget {
  reason: string;
}

/** Withdraws a certified or suspended certification, with a reason; final. */
export function withdrawCertification(
  ctx: CommandContext,
  actor: RcbActor,
  command: WithdrawCertification,
  idempotency: Idempotency,
): Promise<CertificationPayload> {
  return changeCertification(ctx, actor, idempotency, command, (state, stepContext) =>
    withdraw(state, command, stepContext),
  );
}
