import type { RcbActor } from '../access';
import { reinstate } from '../domain/certification-lifecycle';
import {
  changeCertification,
  type CertificationPayload,
  type ChangeTarget,
  type CommandContext,
  type Idempotency,
} from './certification-change';

export interface ReinstateCertification extends ChangeTarget {
  reason?: string | null;
}

/** Ends a suspension before its end date. */
export function reinstateCertification(
  ctx: CommandContext,
  actor: RcbActor,
  command: ReinstateCertification,
  idempotency: Idempotency,
): Promise<CertificationPayload> {
  return changeCertification(ctx, actor, idempotency, command, (state, stepContext) =>
    reinstate(state, command, stepContext),
  );
}
