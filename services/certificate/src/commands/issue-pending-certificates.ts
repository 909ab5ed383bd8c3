import type { Logger } from '@iso20000/service-kit';
import type { DataSource } from 'typeorm';
import type { CertificateIssuer } from '../credentials/issuer';
import { CertificateEntity } from '../entities/certificate.entity';
import { issuePendingCertificate } from './issue-certificate';

/** Retries certificates left pending (e.g. signing failed); each in its own transaction. */
export async function issueStillPendingCertificates(
  dataSource: DataSource,
  issuer: CertificateIssuer,
  logger: Logger,
): Promise<number> {
  let issued = 0;
  for (;;) {
    const done = await dataSource
      .transaction(async (manager) => {
        // SKIP LOCKED: several instances sweep without waiting for each other.
        const rows = (await manager.query(
          `SELECT "id" FROM "certificate" WHERE "status" = 'PENDING' ORDER BY "due_on", "id" LIMIT 1 FOR UPDATE SKIP LOCKED`,
        )) as { id: string }[];
        if (rows.length === 0) return true;
        const certificate = await manager.findOneByOrFail(CertificateEntity, { id: rows[0].id });
        await issuePendingCertificate(manager, certificate, issuer);
        return false;
      })
      .catch((err: unknown) => {
        logger.error({ err }, 'sweep of pending certificates failed');
        return true;
      });
    if (done) return issued;
    issued++;
  }
}
