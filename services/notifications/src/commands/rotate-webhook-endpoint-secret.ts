import type { DataSource } from 'typeorm';
import { generateWebhookSecret, secretHintOf, type SecretBox } from '../delivery/secret-box';
import type { WebhookEndpointEntity } from '../entities/webhook-endpoint.entity';
import { lockEndpoint } from './webhook-endpoint-rows';

/** How long deliveries carry the old secret's signature beside the new one, so receivers can switch. */
export const ROTATION_OVERLAP_MS = 24 * 60 * 60 * 1000;

export async function rotateWebhookEndpointSecret(
  deps: { dataSource: DataSource; secrets: SecretBox },
  id: string,
  authorize: (endpoint: WebhookEndpointEntity) => void,
): Promise<{ endpoint: WebhookEndpointEntity; secret: string }> {
  return deps.dataSource.transaction(async (manager) => {
    const endpoint = await lockEndpoint(manager, id);
    authorize(endpoint);
    const secret = generateWebhookSecret();
    const now = new Date();
    endpoint.previousSecretCiphertext = endpoint.secretCiphertext;
    endpoint.previousSecretExpiresAt = new Date(now.getTime() + ROTATION_OVERLAP_MS);
    endpoint.secretCiphertext = deps.secrets.seal(secret);
    endpoint.secretHint = secretHintOf(secret);
    endpoint.secretRotatedAt = now;
    endpoint.updatedAt = now;
    await manager.save(endpoint);
    return { endpoint, secret };
  });
}
