import type { PayloadOf, Events } from '@iso20000/events';
import type { Logger } from '@iso20000/service-kit';
import type { EntityManager } from 'typeorm';
import { CertificateEntity } from '../entities/certificate.entity';
import { revokeLockedCertificate } from './revoke-certificate';

export type SittingVoided = PayloadOf<typeof Events.ExamSittingVoided>;

/**
 * The exam service voided a sitting: its certificate is revoked. In the consumer's transaction
 * (with its inbox row); a void handled twice, or after the revocation, changes nothing.
 */
export async function revokeVoidedSitting(
  manager: EntityManager,
  voided: SittingVoided,
  logger: Logger,
  requestId?: string,
): Promise<void> {
  const voidedAt = new Date(voided.voidedAt);
  // Remembered even without a certificate yet: the release may be handled after this void.
  await manager.query(
    `INSERT INTO "voided_sitting" ("sitting_id", "reason", "voided_at") VALUES ($1, $2, $3) ON CONFLICT ("sitting_id") DO NOTHING`,
    [voided.sittingId, voided.reason, voidedAt],
  );
  const certificate = await manager.findOneBy(CertificateEntity, { sittingId: voided.sittingId });
  if (!certificate) return;
  await revokeLockedCertificate(manager, certificate.id, `Sitting voided: ${voided.reason}`, voidedAt, {
    requestId,
    alreadyRevoked: 'ignore',
  });
  logger.info({ certificateId: certificate.id }, 'certificate revoked: sitting voided');
}
