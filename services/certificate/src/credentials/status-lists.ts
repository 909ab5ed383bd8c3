import {
  buildStatusListCredential,
  encodeStatusList,
  signCredential,
  statusListRange,
} from '@iso20000/credentials';
import type { DataSource } from 'typeorm';
import { publicUrls } from './credential-documents';
import type { CertificateIssuer } from './issuer';

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
  const { from, to } = statusListRange(list);
  const rows = (await dataSource.query(
    `SELECT "status_list_index" AS "index" FROM "certificate" WHERE "status" = 'REVOKED' AND "status_list_index" >= $1 AND "status_list_index" < $2`,
    [from, to],
  )) as { index: number }[];
  const urls = publicUrls(issuer.profile);
  const id = urls.statusList(list);
  const document = buildStatusListCredential({
    id,
    issuerId: urls.issuerId,
    purpose: 'revocation',
    encodedList: encodeStatusList(rows.map((r) => r.index - from)),
    validFrom: new Date(),
  });
  return { id, jwt: await signCredential(document, issuer.key), document };
}
