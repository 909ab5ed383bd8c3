import { randomUUID } from 'node:crypto';
import { refuse } from '@iso20000/service-kit';
import type { DataSource } from 'typeorm';
import { BadgeEntity } from '../entities/badge.entity';
import type { CertificateEntity } from '../entities/certificate.entity';

/** The holder claims the digital badge of an issued certificate; claiming twice returns the same badge. */
export async function claimCertificateBadge(
  dataSource: DataSource,
  { certificate }: { certificate: CertificateEntity },
): Promise<BadgeEntity> {
  if (certificate.status !== 'ISSUED') {
    throw refuse.conflict(
      `Certificate ${certificate.number} is ${certificate.status}; a badge can be claimed for an issued certificate only.`,
    );
  }
  return dataSource.transaction(async (manager) => {
    // A double click claims once: the unique certificate_id keeps the first badge.
    await manager.query(
      `INSERT INTO "badge" ("id", "certificate_id", "claimed_at") VALUES ($1, $2, now()) ON CONFLICT ("certificate_id") DO NOTHING`,
      [randomUUID(), certificate.id],
    );
    return manager.findOneByOrFail(BadgeEntity, { certificateId: certificate.id });
  });
}
