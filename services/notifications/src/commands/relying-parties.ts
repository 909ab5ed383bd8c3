import {
  generateRelyingPartyKey,
  parseRelyingPartyKey,
  secretMatchesHash,
  type RelyingPartyKeySnapshot,
} from '@iso20000/auth';
import { Events, recordEvent } from '@iso20000/events';
import { refuse } from '@iso20000/service-kit';
import type { DataSource } from 'typeorm';
import { RelyingPartyEntity } from '../entities/relying-party.entity';
import { returning } from './sql';

/**
 * A relying party and its API key (shown once; the hash of its secret kept, and published through
 * the outbox so every process's credential store learns it). Scheme staff's act.
 */
export async function createRelyingParty(
  dataSource: DataSource,
  name: string,
  createdBy: string,
): Promise<{ relyingParty: RelyingPartyEntity; apiKey: string }> {
  const key = generateRelyingPartyKey();
  return dataSource.transaction(async (manager) => {
    const relyingParty = manager.create(RelyingPartyEntity, {
      id: key.id,
      name,
      secretHash: key.secretHash,
      createdBy,
      createdAt: new Date(),
      revokedAt: null,
    });
    await manager.save(relyingParty);
    await recordEvent(manager, Events.RelyingPartyKeyIssued, {
      relyingPartyId: relyingParty.id,
      secretHash: relyingParty.secretHash,
      name,
      issuedAt: relyingParty.createdAt.toISOString(),
    });
    return { relyingParty, apiKey: key.apiKey };
  });
}

/**
 * Its key stops working at once here (this service checks its table on every request), within
 * seconds in every other process (the revocation goes out through the outbox), and its endpoints
 * are disabled.
 */
export async function revokeRelyingParty(dataSource: DataSource, id: string): Promise<RelyingPartyEntity> {
  return dataSource.transaction(async (manager) => {
    const party = await manager.findOne(RelyingPartyEntity, {
      where: { id },
      lock: { mode: 'pessimistic_write' },
    });
    if (!party) throw refuse.notFound('No relying party with this id');
    if (party.revokedAt) return party;
    party.revokedAt = new Date();
    await manager.save(party);
    await recordEvent(manager, Events.RelyingPartyKeyRevoked, {
      relyingPartyId: party.id,
      revokedAt: party.revokedAt.toISOString(),
    });
    const reason = "The relying party's credential was revoked by scheme staff";
    const endpoints = await returning<{ id: string; disabled_at: Date }>(
      manager,
      `UPDATE "webhook_endpoint" SET "status" = 'DISABLED', "disabled_at" = now(), "updated_at" = now(),
         "disabled_reason" = $2
       WHERE "owner_kind" = 'RELYING_PARTY' AND "owner_id" = $1 AND "status" <> 'DISABLED'
       RETURNING "id", "disabled_at"`,
      [id, reason],
    );
    for (const endpoint of endpoints)
      await recordEvent(manager, Events.WebhookEndpointDisabled, {
        endpointId: endpoint.id,
        ownerKind: 'RELYING_PARTY',
        ownerId: id,
        reason,
        disabledAt: new Date(endpoint.disabled_at).toISOString(),
      });
    return party;
  });
}

/** The relying party an API key belongs to, or null (unknown, wrong secret, revoked). */
export async function verifyRelyingPartyKey(dataSource: DataSource, apiKey: string): Promise<string | null> {
  const parsed = parseRelyingPartyKey(apiKey);
  if (!parsed) return null;
  const party = await dataSource.manager.findOne(RelyingPartyEntity, {
    where: { id: parsed.relyingPartyId },
  });
  if (!party || party.revokedAt || !secretMatchesHash(parsed.secret, party.secretHash)) return null;
  return party.id;
}

/** Every process's credential store asks for this at start (hashes only): the table is the truth. */
export async function relyingPartyKeySnapshot(dataSource: DataSource): Promise<RelyingPartyKeySnapshot> {
  const rows = (await dataSource.query(
    `SELECT "id", "secret_hash", "revoked_at" IS NOT NULL AS "revoked" FROM "relying_party"`,
  )) as { id: string; secret_hash: string; revoked: boolean }[];
  return {
    keys: rows
      .filter((row) => !row.revoked)
      .map((row) => ({ relyingPartyId: row.id, secretHash: row.secret_hash })),
    revoked: rows.filter((row) => row.revoked).map((row) => row.id),
  };
}
