import { generateRcbCredential } from '@iso20000/auth';
import { Events, recordEvent } from '@iso20000/events';
import { refuse } from '@iso20000/service-kit';
import type { EntityManager } from 'typeorm';
import { requireCredentialManager } from '../access';
import type { ServiceContext } from '../context';
import { RcbCredentialEntity } from '../entities/rcb-credential.entity';
import { lockedRow } from './row-lock';

/** Stores a new credential (hash only) and announces it, so every verifier learns it. */
export async function issueRcbCredential(
  manager: EntityManager,
  context: ServiceContext,
  rcbId: string,
  label: string | null,
  replacesCredentialId: string | null,
): Promise<{ credential: RcbCredentialEntity; apiKey: string }> {
  const generated = generateRcbCredential();
  const now = new Date();
  const credential = manager.create(RcbCredentialEntity, {
    id: generated.id,
    rcbId,
    label,
    secretHash: generated.secretHash,
    createdAt: now,
    createdBy: context.viewer.subject,
    lastUsedAt: null,
    revokedAt: null,
    revokedBy: null,
    replacesCredentialId,
  });
  await manager.insert(RcbCredentialEntity, credential);
  await recordEvent(
    manager,
    Events.CredentialIssued,
    {
      credentialId: credential.id,
      rcbId,
      secretHash: generated.secretHash,
      label,
      issuedAt: now.toISOString(),
    },
    { requestId: context.requestId },
  );
  return { credential, apiKey: generated.apiKey };
}

/** Marks a credential revoked and announces it: the gateway and every subgraph refuse it from then on. */
export async function markRcbCredentialRevoked(
  manager: EntityManager,
  context: ServiceContext,
  credential: RcbCredentialEntity,
): Promise<RcbCredentialEntity> {
  const now = new Date();
  credential.revokedAt = now;
  credential.revokedBy = context.viewer.subject;
  await manager.save(credential);
  await recordEvent(
    manager,
    Events.CredentialRevoked,
    { credentialId: credential.id, rcbId: credential.rcbId, revokedAt: now.toISOString() },
    { requestId: context.requestId },
  );
  return credential;
}

/** A withdrawn RCB integrates no more: all its live credentials are revoked with it. */
export async function revokeAllRcbCredentials(
  manager: EntityManager,
  context: ServiceContext,
  rcbId: string,
): Promise<number> {
  const live = await manager
    .getRepository(RcbCredentialEntity)
    .createQueryBuilder('c')
    .setLock('pessimistic_write')
    .where('c.rcb_id = :rcbId AND c.revoked_at IS NULL', { rcbId })
    .getMany();
  for (const credential of live) await markRcbCredentialRevoked(manager, context, credential);
  return live.length;
}

/** A live credential locked for change, once the viewer is known to manage its RCB. */
export async function lockLiveCredential(
  context: ServiceContext,
  manager: EntityManager,
  credentialId: string,
): Promise<RcbCredentialEntity> {
  const credential = await lockedRow(manager, RcbCredentialEntity, credentialId, 'credential');
  requireCredentialManager(context.viewer, credential);
  if (credential.revokedAt)
    throw refuse.conflict(
      `Credential ${credentialId} was already revoked on ${credential.revokedAt.toISOString()}`,
    );
  return credential;
}
