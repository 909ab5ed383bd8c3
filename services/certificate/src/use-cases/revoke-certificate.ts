import { Events, recordEvent } from '@iso20000/events';
import { conflict } from '@iso20000/service-kit';
import type { EntityManager } from 'typeorm';
import { CertificateEntity } from '../entities/certificate.entity';
import { cancelUnprintedOrders } from './hard-copy-orders';

/**
 * Revokes a certificate: verification, the badge and the status list say REVOKED from now on, and
 * `certificate.certificate.revoked` is published. The certificate row is locked first.
 */
export async function revokeCertificate(
  manager: EntityManager,
  certificateId: string,
  reason: string,
  revokedAt: Date,
  options: { requestId?: string; alreadyRevoked: 'ignore' | 'conflict' },
): Promise<CertificateEntity> {
  const certificate = await manager.findOne(CertificateEntity, {
    where: { id: certificateId },
    lock: { mode: 'pessimistic_write' },
  });
  if (!certificate) throw new Error(`certificate ${certificateId} vanished`);
  if (certificate.status === 'REVOKED') {
    if (options.alreadyRevoked === 'conflict') {
      throw conflict(
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
  await cancelUnprintedOrders(manager, certificate.id, `Certificate revoked: ${reason}`);
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
    },
    { requestId: options.requestId },
  );
  return certificate;
}
