import { randomUUID } from 'node:crypto';
import { refuse } from '@iso20000/service-kit';
import type { DataSource } from 'typeorm';
import type { WebhookOwner } from '../access';
import { generateWebhookSecret, secretHintOf, type SecretBox } from '../delivery/secret-box';
import { SUBSCRIBABLE, type WebhookEventType } from '../domain/webhook-events';
import { RelyingPartyEntity } from '../entities/relying-party.entity';
import { WebhookEndpointEntity } from '../entities/webhook-endpoint.entity';

/** Enough for every integration an owner runs; bounds the fan-out of one event. */
export const MAX_ENDPOINTS_PER_OWNER = 20;

export interface NewWebhookEndpoint {
  url: string;
  description: string | null;
  eventTypes: WebhookEventType[];
  certificateNumbers: string[];
  certificationNumbers: string[];
  maxConcurrency: number;
}

const CERTIFICATE_EVENTS: readonly WebhookEventType[] = ['CERTIFICATE_ISSUED', 'CERTIFICATE_REVOKED'];

/** A new endpoint and its signing secret, answered once and kept only encrypted. */
export async function createWebhookEndpoint(
  deps: { dataSource: DataSource; secrets: SecretBox },
  owner: WebhookOwner,
  createdBy: string,
  input: NewWebhookEndpoint,
): Promise<{ endpoint: WebhookEndpointEntity; secret: string }> {
  const notAllowed = input.eventTypes.filter((type) => !SUBSCRIBABLE[owner.kind].includes(type));
  if (notAllowed.length > 0)
    throw refuse.badInput(
      `${notAllowed.join(', ')} cannot be delivered to this owner; it may subscribe to ${SUBSCRIBABLE[owner.kind].join(', ')}`,
      { field: 'input.eventTypes' },
    );
  if (owner.kind === 'RELYING_PARTY') {
    // a relying party receives only what it names: each kind of event it asks for needs its numbers
    if (input.eventTypes.some((t) => CERTIFICATE_EVENTS.includes(t)) && input.certificateNumbers.length === 0)
      throw refuse.badInput('Name the certificate numbers to watch in certificateNumbers', {
        field: 'input.certificateNumbers',
      });
    if (
      input.eventTypes.includes('REGISTRY_CERTIFICATION_CHANGED') &&
      input.certificationNumbers.length === 0
    )
      throw refuse.badInput('Name the registry certificate numbers to watch in certificationNumbers', {
        field: 'input.certificationNumbers',
      });
  }
  return deps.dataSource.transaction(async (manager) => {
    if (owner.kind === 'RELYING_PARTY') {
      const party = await manager.findOne(RelyingPartyEntity, {
        where: { id: owner.id! },
        lock: { mode: 'pessimistic_read' },
      });
      if (!party || party.revokedAt) throw refuse.notFound('No active relying party with this id');
    }
    // serializes creations per owner, so the limit holds under concurrent requests
    await manager.query(`SELECT pg_advisory_xact_lock(hashtext($1))`, [
      `webhook-owner:${owner.kind}:${owner.id}`,
    ]);
    const [{ count }]: { count: number }[] = await manager.query(
      `SELECT count(*)::int AS "count" FROM "webhook_endpoint" WHERE "owner_kind" = $1 AND "owner_id" IS NOT DISTINCT FROM $2`,
      [owner.kind, owner.id],
    );
    if (count >= MAX_ENDPOINTS_PER_OWNER)
      throw refuse.conflict(
        `An owner may have at most ${MAX_ENDPOINTS_PER_OWNER} webhook endpoints; delete one first`,
      );
    const secret = generateWebhookSecret();
    const now = new Date();
    const endpoint = manager.create(WebhookEndpointEntity, {
      id: randomUUID(),
      ownerKind: owner.kind,
      ownerId: owner.id,
      url: input.url,
      description: input.description,
      eventTypes: input.eventTypes,
      certificateNumbers: input.certificateNumbers,
      certificationNumbers: input.certificationNumbers,
      status: 'ACTIVE',
      maxConcurrency: input.maxConcurrency,
      disabledReason: null,
      disabledAt: null,
      pausedAt: null,
      secretCiphertext: deps.secrets.seal(secret),
      previousSecretCiphertext: null,
      previousSecretExpiresAt: null,
      secretHint: secretHintOf(secret),
      secretRotatedAt: null,
      failingSince: null,
      createdBy,
      createdAt: now,
      updatedAt: now,
    });
    await manager.save(endpoint);
    return { endpoint, secret };
  });
}
