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

export interface SuspendCertification extends ChangeTarget {
  reason: string;
  until?: CalendarDate | null;
}

/** Suspends a certified certification for at most six months, with a reason. */
export function suspendCertification(
  ctx: CommandContext,
  actor: RcbActor,
  command: SuspendCertification,
  idempotency: Idempotency,
): Promise<CertificationPayload> {
  return changeCertification(ctx, actor, idempotency, command, (state, stepContext) =>
    suspend(state, command, stepContext),
  );
}
