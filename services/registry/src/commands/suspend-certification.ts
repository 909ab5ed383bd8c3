import type { RcbActor } from '../access';
import type { CalendarDate } from '../domain/calendar-date';
import { suspend } from '../domain/certification-lifecycle';
import {
  changeCertification,
  type CertificationPayload,
  type ChangeTarget,
  type CommandContext,
  type Idempotency,
} from './certification-change';
import { closeTransferForIssuerAction } from './transfer-rows';

export interface SuspendCertification extends ChangeTarget {
  reason: string;
  /** Required while a transfer is open (IAF MD 2 2.4.2): why the organization no longer conforms. */
  conformityJustification?: string | null;
  until?: CalendarDate | null;
}

/** Suspends a certified certification for at most six months, with a reason. */
export function suspendCertification(
  ctx: CommandContext,
  actor: RcbActor,
  command: SuspendCertification,
  idempotency: Idempotency,
): Promise<CertificationPayload> {
  return changeCertification(
    ctx,
    actor,
    idempotency,
    command,
    (state, stepContext) => suspend(state, command, stepContext),
    {
      afterLock: (manager, before, author) =>
        closeTransferForIssuerAction(
          ctx,
          manager,
          before.id,
          'SUSPENDED_BY_ISSUING_RCB',
          command.conformityJustification,
          author,
        ),
    },
  );
}
