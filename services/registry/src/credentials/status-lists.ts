import {
  buildStatusListCredential,
  encodeStatusList,
  signCredential,
  statusListRange,
  type StatusPurpose,
} from '@iso20000/credentials';
import type { DataSource } from 'typeorm';
import { registryUrls, type RegistryIssuer } from './registry-issuer';

/** Which recorded status sets a certification's bit in each list. */
const STATUS_OF_PURPOSE: Record<StatusPurpose, string> = {
  // Set while suspended; cleared again on reinstatement (or when a scope reduction ends the suspension).
  suspension: 'SUSPENDED',
  // Withdrawal is final: once set, never cleared.
  revocation: 'WITHDRAWN',
};

export interface SignedRegistryStatusList {
  id: string;
  purpose: StatusPurpose;
  list: number;
  jwt: string;
}

/** One of the registry's status lists as it stands now, signed (one range scan on the unique index, one signature). */
export async function signedRegistryStatusList(
  dataSource: DataSource,
  issuer: RegistryIssuer,
  purpose: StatusPurpose,
  list: number,
  now: Date,
): Promise<SignedRegistryStatusList> {
  const { from, to } = statusListRange(list);
  const rows = (await dataSource.query(
    `SELECT "status_list_index" AS "index" FROM "organization_certification"
     WHERE "status_list_index" >= $1 AND "status_list_index" < $2 AND "status" = $3`,
    [from, to, STATUS_OF_PURPOSE[purpose]],
  )) as { index: number }[];
  const urls = registryUrls(issuer);
  const id = urls.statusList(purpose, list);
  const document = buildStatusListCredential({
    id,
    issuerId: urls.issuerId,
    purpose,
    encodedList: encodeStatusList(rows.map((r) => r.index - from)),
    validFrom: now,
  });
  return { id, purpose, list, jwt: await signCredential(document, issuer.key) };
}
