import { Events, recordEvent } from '@iso20000/events';
import { refuse } from '@iso20000/service-kit';
import type { DataSource } from 'typeorm';
import { generateRelyingPartyKey, parseRelyingPartyKey, secretMatches } from '../domain/relying-party-key';
import { RelyingPartyEntity } from '../entities/relying-party.entity';
import { returning } from './sql';

/** A relying party and its API key (shown once; the hash of its secret kept). Scheme staff's act. */
export async function createRelyingParty(
  dataSource: DataSource,
  name: string,
  createdBy: string,
): Promise<{ relyingParty: RelyingPartyEntity; apiKey: string }> {
  const key = generateRelyingPartyKey();
  const relyingParty = dataSource.manager.create(RelyingPartyEntity, {
    id: key.id,
    name,
    secretHash: key.secretHash,
    createdBy,
    createdAt: new Date(),
    revokedAt: null,
  });
  await dataSource.manager.save(relyingParty);
  return { relyingParty, apiKey: key.apiKey };
}

/** Its key stops working at once (every request checks the table) and its endpoints are disabled. */
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
  const party = await dataSource.manager.findOne(RelyingPartyEntity, { where: { id: parsed.id } });
  if (!party || party.revokedAt || !secretMatches(parsed.secret, party.secretHash)) return null;
  return party.id;
}
