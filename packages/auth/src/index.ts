export { PUBLIC_VIEWER, ROLES, type Role, type Viewer } from './viewer';
export type { AuthLogger } from './auth-logger';
export {
  createAuthenticator,
  type Authenticator,
  type AuthenticatorOptions,
  type CredentialVerifier,
  type VerifiedCredential,
} from './authenticator';
export { authenticationUnavailable } from './auth-errors';
export { signDevToken, type DevTokenOptions } from './dev-token';
export { DEFAULT_MAX_TOKEN_LIFETIME_S, MAX_CLOCK_SKEW_S } from './token-limits';
export { PERSON_ROLES, type PersonRole, type TokenClaims } from './token-claims';
export { generateRcbCredential, hashSecret, secretMatchesHash, type RcbCredential } from './rcb-credential';
export { generateRelyingPartyKey, parseRelyingPartyKey, type RelyingPartyKey } from './relying-party-key';
export { createCredentialStore, type CredentialStore, type CredentialStoreOptions } from './credential-store';
export {
  credentialSnapshotSubject,
  relyingPartyKeySnapshotSubject,
  requestCredentialSnapshot,
  requestRelyingPartyKeySnapshot,
  serveCredentialSnapshots,
  serveRelyingPartyKeySnapshots,
  type CredentialSnapshot,
  type RelyingPartyKeySnapshot,
} from './credential-snapshot';
export {
  isSchemeStaff,
  requireAtoAccess,
  requireAuthenticated,
  requireCandidate,
  relyingPartyOf,
  requireRcbAccess,
  requireRole,
  requireSchemeStaff,
} from './permissions';
