import type { RcbActor } from '../access';
import type { CalendarDate } from '../domain/calendar-date';
import { recertify, type CertifiedSite } from '../domain/certification-lifecycle';
import {
  changeCertification,
  type CertificationPayload,
  type ChangeTarget,
  type CommandContext,
  type Idempotency,
} from './certification-change';

export interface RecertifyCertification extends ChangeTarget {
  cycleStart: CalendarDate;
  expiry?: CalendarDate | null;
  scope?: string | null;
  sites?: CertifiedSite[] | null;
}

/** Starts a new three-year cycle; only an APPOINTED RCB may recertify. */
export function recertifyCertification(
  ctx: CommandContext,
  actor: RcbActor,
  command: RecertifyCertification,
  idempotency: Idempotency,
): Promise<CertificationPayload> {
  return changeCertification(
    ctx,
    actor,
    idempotency,
    command,
    (state, stepContext) => recertify(state, command, stepContext),
    { needsRcbStatus: true },
  );
}
