export {
  fromPrivateKey,
  generateSigningKeyJwk,
  jwksOf,
  parseSigningKey,
  type IssuerSigningKey,
  type Jwks,
  type PublicJwk,
} from './signing-key';
export { loadSigningKey, type SigningKeySource, type SqlQuery } from './development-key';
export {
  CREDENTIAL_JWT_TYPE,
  CredentialVerificationError,
  signCredential,
  verifySignedCredential,
  type JsonObject,
  type JsonValue,
} from './sign-credential';
export {
  decodeStatusList,
  encodeStatusList,
  isSetInStatusList,
  STATUS_LIST_LENGTH,
  statusListEntry,
  statusListRange,
} from './status-list';
export {
  buildStatusListCredential,
  readCredentialStatus,
  statusListEntryOf,
  type StatusListCredentialFacts,
  type StatusPurpose,
} from './status-list-credential';
