import type { RcbActor } from '../access';
import type { CalendarDate } from '../domain/calendar-date';
import { recordSurveillance } from '../domain/certification-lifecycle';
import {
  changeCertification,
  type CertificationPayload,
  type ChangeTarget,
  type CommandContext,
  type Idempotency,
} from './certification-change';

export interface RecordSurveillanceAudit extends ChangeTarget {
  auditedOn: CalendarDate;
}

/** Marks the next due surveillance audit of the cycle done. */
export function recordSurveillanceAudit(
  ctx: CommandContext,
  actor: RcbActor,
  command: RecordSurveillanceAudit,
  idempotency: Idempotency,
): Promise<CertificationPayload> {
  return changeCertification(ctx, actor, idempotency, command, (state, stepContext) =>
    recordSurveillance(state, command, stepContext),
  );
}
