import {
  CredentialVerificationError,
  verifySignedCredential,
  type JsonObject,
  type JsonValue,
} from './sign-credential';
import type { Jwks } from './signing-key';
import { decodeStatusList, isSetInStatusList } from './status-list';

/** The purposes this scheme's issuers publish lists for. */
export type StatusPurpose = 'revocation' | 'suspension';

export interface StatusListCredentialFacts {
  /** The list's URL: where relying parties fetch it, and the credential's id. */
  id: string;
  issuerId: string;
  purpose: StatusPurpose;
  encodedList: string;
  validFrom: Date;
}

/** A BitstringStatusListCredential (unsigned). */
export function buildStatusListCredential(facts: StatusListCredentialFacts): JsonObject {
  return {
    '@context': ['https://www.w3.org/ns/credentials/v2'],
    id: facts.id,
    type: ['VerifiableCredential', 'BitstringStatusListCredential'],
    issuer: facts.issuerId,
    validFrom: facts.validFrom.toISOString(),
    credentialSubject: {
      id: `${facts.id}#list`,
      type: 'BitstringStatusList',
      statusPurpose: facts.purpose,
      encodedList: facts.encodedList,
    },
  };
}

/** The `credentialStatus` entry naming one bit of one list. */
export function statusListEntryOf(listUrl: string, index: number, purpose: StatusPurpose): JsonObject {
  return {
    id: `${listUrl}#${index}`,
    type: 'BitstringStatusListEntry',
    statusPurpose: purpose,
    statusListIndex: String(index),
    statusListCredential: listUrl,
  };
}

/**
 * What a relying party does offline with a credential's status entry and the list it names:
 * verify the list's signature, check it is the named list with the entry's purpose, read the bit.
 */
export async function readCredentialStatus(
  entry: JsonValue | undefined,
  statusListJwt: string,
  jwks: Jwks,
): Promise<boolean> {
  const status = entry as JsonObject | undefined;
  if (
    !status ||
    status.type !== 'BitstringStatusListEntry' ||
    typeof status.statusListIndex !== 'string' ||
    typeof status.statusPurpose !== 'string'
  ) {
    throw new CredentialVerificationError('credential has no BitstringStatusListEntry');
  }
  const statusList = await verifySignedCredential(statusListJwt, jwks);
  if (statusList.id !== status.statusListCredential) {
    throw new CredentialVerificationError(
      `status list ${String(statusList.id)} is not the credential's ${String(status.statusListCredential)}`,
    );
  }
  const subject = statusList.credentialSubject as JsonObject;
  if (subject.statusPurpose !== status.statusPurpose || typeof subject.encodedList !== 'string') {
    throw new CredentialVerificationError(`status list is not a ${status.statusPurpose} list`);
  }
  return isSetInStatusList(decodeStatusList(subject.encodedList), Number(status.statusListIndex));
}
