import type { RcbActor } from '../access';
import { extendScope, type CertifiedSite } from '../domain/certification-lifecycle';
import {
  changeCertification,
  type CertificationPayload,
  type ChangeTarget,
  type CommandContext,
  type Idempotency,
} from './certification-change';

export interface ExtendCertificationScope extends ChangeTarget {
  scope: string;
  sites: CertifiedSite[];
  reason?: string | null;
}

/** Extends the scope of a certified certification. */
export function extendCertificationScope(
  ctx: CommandContext,
  actor: RcbActor,
  command: ExtendCertificationScope,
  idempotency: Idempotency,
): Promise<CertificationPayload> {
  return changeCertification(ctx, actor, idempotency, command, (state, stepContext) =>
    extendScope(state, command, stepContext),
  );
}
