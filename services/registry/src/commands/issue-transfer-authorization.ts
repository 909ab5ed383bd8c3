import { createHash, randomBytes, randomUUID } from 'node:crypto';
import { refuse } from '@iso20000/service-kit';
import type { Actor } from '../access';
import { effectiveStatus } from '../domain/certification-lifecycle';
import type { OrganizationCertificationEntity } from '../entities/organization-certification.entity';
import { TransferAuthorizationEntity } from '../entities/transfer-authorization.entity';
import { lockCertification, type CommandContext } from './certification-change';

export interface IssuedTransferAuthorization {
  /** Shown once: the organization hands it to the RCB it wants to move to. */
  code: string;
  expiresAt: Date;
  certification: OrganizationCertificationEntity;
}

const CODE_PREFIX = 'rtc_';

/** The stored form of a transfer code. */
export function transferCodeHash(code: string): string {
  return createHash('sha256').update(code.trim()).digest('hex');
}

/**
 * Issues a one-time transfer code for a valid certification: by the RCB holding it or by scheme staff
 * (`holdingRcbId` null). A new code replaces the unused ones before it, so only the latest works.
 */
export function issueTransferAuthorization(
  ctx: CommandContext,
  actor: Actor & { rcbId?: string },
  command: { certificationId: string; validDays: number },
): Promise<IssuedTransferAuthorization> {
  return ctx.dataSource.transaction(async (manager) => {
    const certification = await lockCertification(manager, command.certificationId);
    if (actor.rcbId !== undefined && certification.rcbId !== actor.rcbId)
      throw refuse.forbidden(
        'only the RCB holding a certification (or scheme staff) issues its transfer code: ask the organization to request one from its RCB',
      );
    const status = effectiveStatus(certification, ctx.today);
    if (status !== 'CERTIFIED')
      throw refuse.conflict(
        `cannot issue a transfer code for a certification that is ${status}: only a valid certification is transferable`,
      );
    const repository = manager.getRepository(TransferAuthorizationEntity);
    await manager.query(
      `UPDATE "transfer_authorization" SET "revoked_at" = $2 WHERE "certification_id" = $1 AND "used_at" IS NULL AND "revoked_at" IS NULL`,
      [certification.id, ctx.now],
    );
    const code = `${CODE_PREFIX}${randomBytes(18).toString('base64url')}`;
    const expiresAt = new Date(ctx.now.getTime() + command.validDays * 86_400_000);
    await repository.insert({
      id: randomUUID(),
      certificationId: certification.id,
      codeHash: transferCodeHash(code),
      issuedBy: actor.actor,
      issuedAt: ctx.now,
      expiresAt,
      usedAt: null,
      revokedAt: null,
    });
    return { code, expiresAt, certification };
  });
}
