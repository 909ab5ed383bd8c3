import type { RcbActor } from '../access';
import { reduceScope, type CertifiedSite } from '../domain/certification-lifecycle';
import {
  changeCertification,
  type CertificationPayload,
  type ChangeTarget,
  type CommandContext,
  type Idempotency,
} from './certification-change';

export interface ReduceCertificationScope extends ChangeTarget {
  scope: string;
  sites: CertifiedSite[];
  reason: string;
}

/** Reduces the scope; on a suspended certification this ends the suspension (ISO/IEC 17021-1 9.6.5.2). */
export function reduceCertificationScope(
  ctx: CommandContext,
  actor: RcbActor,
  command: ReduceCertificationScope,
  idempotency: Idempotency,
): Promise<CertificationPayload> {
  return changeCertification(ctx, actor, idempotency, command, (state, stepContext) =>
    reduceScope(state, command, stepContext),
  );
}
