import type { DataSource } from 'typeorm';
import { encodeStatusList, STATUS_LIST_LENGTH } from '../domain/status-list';
import { buildStatusListCredential, publicUrls } from './credential-documents';
import type { CertificateIssuer } from './issuer';
import { signCredential } from './sign-credential';

export interface SignedStatusList {
  id: string;
  jwt: string;
  document: Record<string, unknown>;
}

/** The current revocation status list, signed now (cheap: one indexed query and one Ed25519 signature). */
export async function signedStatusList(
  dataSource: DataSource,
  issuer: CertificateIssuer,
  list: number,
): Promise<SignedStatusList> {
  const from = (list - 1) * STATUS_LIST_LENGTH;
  const rows = (await dataSource.query(
    `SELECT "status_list_index" AS "index" FROM "certificate" WHERE "status" = 'REVOKED' AND "status_list_index" >= $1 AND "status_list_index" < $2`,
    [from, from + STATUS_LIST_LENGTH],
  )) as { index: number }[];
  const document = buildStatusListCredential(
    issuer.profile,
    encodeStatusList(rows.map((r) => r.index - from)),
    new Date(),
    list,
  );
  return {
    id: publicUrls(issuer.profile).statusList(list),
    jwt: await signCredential(document, issuer.key),
    document,
  };
}
