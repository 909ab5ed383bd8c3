import { Events, recordEvent } from '@iso20000/events';
import { refuse } from '@iso20000/service-kit';
import type { DataSource, EntityManager } from 'typeorm';
import { CertificateEntity } from '../entities/certificate.entity';

export interface RevokeCertificateCommand {
  certificateId: string;
  reason: string;
  requestId?: string;
}

/** Scheme staff revoke a certificate, with a reason; revoking it a second time is a CONFLICT. */
export async function revokeCertificate(
  dataSource: DataSource,
  { certificateId, reason, requestId }: RevokeCertificateCommand,
): Promise<CertificateEntity> {
  return dataSource.transaction(async (manager) => {
    const revoked = await revokeLockedCertificate(manager, certificateId, reason, new Date(), {
      requestId,
      alreadyRevoked: 'conflict',
    });
    if (!revoked) throw refuse.notFound(`No certificate ${certificateId}`);
    return revoked;
  });
}

/**
 * Revokes in the caller's transaction: verification, the badge and the status list say REVOKED from
 * now on, paper copies not printed yet are cancelled, and `certificate.certificate.revoked` is
 * recorded in the outbox. The certificate row is locked first. Null when there is no such certificate.
 */
export async function revokeLockedCertificate(
  manager: EntityManager,
  certificateId: string,
  reason: string,
  revokedAt: Date,
  options: { requestId?: string; alreadyRevoked: 'ignore' | 'conflict' },
): Promise<CertificateEntity | null> {
  const certificate = await manager.findOne(CertificateEntity, {
    where: { id: certificateId },
    lock: { mode: 'pessimistic_write' },
  });
  if (!certificate) return null;
  if (certificate.status === 'REVOKED') {
    if (options.alreadyRevoked === 'conflict') {
      throw refuse.conflict(
        `Certificate ${certificate.number} was already revoked on ${certificate.revokedAt?.toISOString().slice(0, 10)}.`,
      );
    }
    return certificate;
  }
  certificate.status = 'REVOKED';
  certificate.revokedAt = revokedAt;
  certificate.revocationReason = reason;
  await manager.update(
    CertificateEntity,
    { id: certificate.id },
    { status: 'REVOKED', revokedAt, revocationReason: reason },
  );
  await manager.query(
    `UPDATE "hard_copy_order" SET "status" = 'CANCELLED', "cancelled_at" = now(), "cancellation_reason" = $2
     WHERE "certificate_id" = $1 AND "status" IN ('AWAITING_ADDRESS', 'PENDING_PAYMENT', 'PAID')`,
    [certificate.id, `Certificate revoked: ${reason}`],
  );
  await recordEvent(
    manager,
    Events.CertificateRevoked,
    {
      certificateId: certificate.id,
      number: certificate.number,
      sittingId: certificate.sittingId,
      candidateId: certificate.candidateId,
      reason,
      revokedAt: revokedAt.toISOString(),
      atoId: certificate.atoId,
    },
    { requestId: options.requestId },
  );
  return certificate;
}
