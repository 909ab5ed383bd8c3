import { CREDENTIAL_USED } from '@iso20000/auth';
import type { Logger } from '@iso20000/service-kit';
import type { NatsConnection, Subscription } from 'nats';
import type { DataSource } from 'typeorm';
import { z } from 'zod';
import { RcbCredentialEntity } from '../entities/rcb-credential.entity';

const usage = z.object({
  payload: z.object({ credentialId: z.uuid(), usedAt: z.iso.datetime({ offset: true }) }),
});

/**
 * Records when each credential was last used. Verifiers announce use on core NATS (at most once a
 * minute per credential each); losing one is harmless, so this is a plain subscription, not a consumer.
 */
export function followCredentialUsage(deps: {
  dataSource: DataSource;
  nc: NatsConnection;
  namespace?: string;
  logger: Logger;
}): {
  stop(): Promise<void>;
  processed(): Promise<void>;
} {
  const subject = deps.namespace ? `${deps.namespace}.${CREDENTIAL_USED}` : CREDENTIAL_USED;
  // A queue group: with several accreditation replicas, each announcement is written once.
  const subscription: Subscription = deps.nc.subscribe(subject, { queue: 'accreditation-credential-usage' });
  const decoder = new TextDecoder();
  let pending: Promise<unknown> = Promise.resolve();
  const loop = (async () => {
    for await (const message of subscription) {
      let parsed: z.infer<typeof usage>;
      try {
        parsed = usage.parse(JSON.parse(decoder.decode(message.data)));
      } catch (error) {
        deps.logger.warn({ err: error, subject }, 'ignoring an invalid credential usage message');
        continue;
      }
      const { credentialId, usedAt } = parsed.payload;
      pending = deps.dataSource
        .createQueryBuilder()
        .update(RcbCredentialEntity)
        .set({
          lastUsedAt: () => 'GREATEST(COALESCE(last_used_at, :usedAt::timestamptz), :usedAt::timestamptz)',
        })
        .where('id = :credentialId')
        .setParameters({ usedAt, credentialId })
        .execute()
        .catch((error: unknown) =>
          deps.logger.warn({ err: error, credentialId }, 'could not record credential usage'),
        );
      await pending;
    }
  })();
  return {
    async stop() {
      await subscription.drain().catch(() => undefined);
      await loop;
    },
    processed: () => pending.then(() => undefined),
  };
}
