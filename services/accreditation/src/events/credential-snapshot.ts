import { serveCredentialSnapshots, type CredentialSnapshot } from '@iso20000/auth';
import type { BackgroundWorker, Logger } from '@iso20000/service-kit';
import type { NatsConnection } from 'nats';
import type { DataSource } from 'typeorm';

/**
 * Answers every process that asks which RCB credentials exist (hashes only), from the table that
 * owns them: how credential copies are rebuilt when the event stream cannot provide them.
 */
export function credentialSnapshotResponder(deps: {
  dataSource: DataSource;
  nc: NatsConnection;
  namespace?: string;
  logger: Logger;
}): BackgroundWorker {
  return serveCredentialSnapshots({
    ...deps,
    load: async (): Promise<CredentialSnapshot> => {
      const rows = (await deps.dataSource.query(
        `SELECT "id", "rcb_id", "secret_hash", "revoked_at" IS NOT NULL AS "revoked" FROM "rcb_credential"`,
      )) as { id: string; rcb_id: string; secret_hash: string; revoked: boolean }[];
      return {
        credentials: rows
          .filter((row) => !row.revoked)
          .map((row) => ({ credentialId: row.id, rcbId: row.rcb_id, secretHash: row.secret_hash })),
        revoked: rows.filter((row) => row.revoked).map((row) => row.id),
      };
    },
  });
}
