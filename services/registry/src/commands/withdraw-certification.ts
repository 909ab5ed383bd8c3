import type { RcbActor } from '../access';
import { withdraw } from '../domain/certification-lifecycle';
import {
  changeCertification,
  type CertificationPayload,
  type ChangeTarget,
  type CommandContext,
  type Idempotency,
} from './certification-change';
import { closeTransferForIssuerAction } from './transfer-rows';

export interface WithdrawCertification extends ChangeTarget {
  reason: string;
  /** Required while a transfer is open (IAF MD 2 2.4.2): why the organization no longer conforms. */
  conformityJustification?: string | null;
}

/** Withdraws a certified or suspended certification, with a reason; final. */
export function withdrawCertification(
  ctx: CommandContext,
  actor: RcbActor,
  command: WithdrawCertification,
  idempotency: Idempotency,
): Promise<CertificationPayload> {
  return changeCertification(
    ctx,
    actor,
    idempotency,
    command,
    (state, stepContext) => withdraw(state, command, stepContext),
    {
      afterLock: (manager, before, author) =>
        closeTransferForIssuerAction(
          ctx,
          manager,
          before.id,
          'WITHDRAWN_BY_ISSUING_RCB',
          command.conformityJustification,
          author,
        ),
    },
  );
}
