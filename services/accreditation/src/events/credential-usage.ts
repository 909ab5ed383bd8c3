import { Events, parseEventEnvelope, wireSubject } from '@iso20000/events';
import type { BackgroundWorker, Logger } from '@iso20000/service-kit';
import type { NatsConnection, Subscription } from 'nats';
import type { DataSource } from 'typeorm';
import { RcbCredentialEntity } from '../entities/rcb-credential.entity';

export interface CredentialUsageDeps {
  dataSource: DataSource;
  nc: NatsConnection;
  namespace?: string;
  logger: Logger;
}

/**
 * Records when each credential was last used. Verifiers announce use on core NATS (at most once a
 * minute per credential each); losing one is harmless, so this is a plain subscription, not a consumer.
 * Writing the later of two instants makes a repeated or late announcement harmless too.
 */
export function followCredentialUsage(deps: CredentialUsageDeps): { stop(): Promise<void> } {
  const subject = wireSubject(Events.CredentialUsed.subject, deps.namespace);
  // A queue group: with several accreditation replicas, each announcement is written once.
  const subscription: Subscription = deps.nc.subscribe(subject, { queue: 'accreditation-credential-usage' });
  const decoder = new TextDecoder();
  const loop = (async () => {
    for await (const message of subscription) {
      let usage: { credentialId: string; usedAt: string };
      try {
        usage = parseEventEnvelope(Events.CredentialUsed, JSON.parse(decoder.decode(message.data))).payload;
      } catch (error) {
        deps.logger.warn({ err: error, subject }, 'ignoring an invalid credential usage message');
        continue;
      }
      await deps.dataSource
        .createQueryBuilder()
        .update(RcbCredentialEntity)
        .set({
          lastUsedAt: () => 'GREATEST(COALESCE(last_used_at, :usedAt::timestamptz), :usedAt::timestamptz)',
        })
        .where('id = :credentialId')
        .setParameters({ usedAt: usage.usedAt, credentialId: usage.credentialId })
        .execute()
        .catch((error: unknown) =>
          deps.logger.warn(
            { err: error, credentialId: usage.credentialId },
            'could not record credential usage',
          ),
        );
    }
  })();
  return {
    async stop() {
      await subscription.drain().catch(() => undefined);
      await loop;
    },
  };
}

/** The usage follower subscribes when started with the other workers, not when built. */
export function credentialUsageFollower(deps: CredentialUsageDeps): BackgroundWorker {
  let usage: ReturnType<typeof followCredentialUsage> | null = null;
  return {
    start() {
      usage = followCredentialUsage(deps);
    },
    async stop() {
      await usage?.stop();
      usage = null;
    },
  };
}
