import type { BackgroundWorker, Logger } from '@iso20000/service-kit';
import { Client } from 'pg';
import { Webhook } from 'standardwebhooks';
import type { DataSource } from 'typeorm';
import { claimDueDeliveries, type ClaimedDelivery } from '../commands/claim-due-deliveries';
import { DELIVERIES_DUE_CHANNEL } from '../commands/record-notification-event';
import { recordDeliveryAttempt, type AttemptVerdict } from '../commands/record-delivery-attempt';
import type { DeliverySettings } from '../config';
import { envelopeFor } from '../domain/webhook-events';
import type { SecretBox } from './secret-box';
import { sendWebhook } from './send-webhook';

/**
 * The delivery worker: claims due deliveries (shared with every replica through the table), sends
 * each as a Standard Webhooks request, and records the attempt. Up to `concurrency` requests in
 * flight per process, each endpoint's own limit kept by the claim. Woken by NOTIFY when deliveries
 * are queued (fan-out, redelivery, replay, resume), and by a timer for retries and lost wake-ups.
 */
export class WebhookDispatcher implements BackgroundWorker {
  private readonly inFlight = new Set<Promise<void>>();
  private timer: NodeJS.Timeout | null = null;
  private listener: Client | null = null;
  private pumping: Promise<void> | null = null;
  private again = false;
  private stopped = true;
  /** Attempts recorded by this process: what a benchmark or a test waits on. */
  readonly verdicts: Record<AttemptVerdict, number> = {
    delivered: 0,
    retry: 0,
    failed: 0,
    'endpoint-disabled': 0,
    'lost-claim': 0,
  };

  constructor(
    private readonly deps: {
      dataSource: DataSource;
      settings: DeliverySettings;
      secrets: SecretBox;
      logger: Logger;
      /** Wake-ups by NOTIFY need their own connection; off, the worker only polls. */
      listen?: boolean;
    },
  ) {}

  async start(): Promise<void> {
    this.stopped = false;
    if (this.deps.listen !== false) await this.listen();
    this.timer = setInterval(() => this.wake(), this.deps.settings.pollIntervalMs);
    this.timer.unref();
    this.wake();
  }

  async stop(): Promise<void> {
    this.stopped = true;
    if (this.timer) clearInterval(this.timer);
    this.timer = null;
    await this.listener?.end().catch(() => undefined);
    this.listener = null;
    await this.pumping;
    await Promise.all([...this.inFlight]);
  }

  /** Looks for due deliveries now (a pass already running looks again when it ends). */
  wake(): void {
    if (this.stopped) return;
    if (this.pumping) {
      this.again = true;
      return;
    }
    this.pumping = this.pump()
      .catch((err: unknown) => this.deps.logger.error({ err }, 'webhook claim failed; the next tick retries'))
      .finally(() => {
        this.pumping = null;
        if (this.again) {
          this.again = false;
          this.wake();
        }
      });
  }

  private async pump(): Promise<void> {
    const { dataSource, settings } = this.deps;
    while (!this.stopped) {
      const room = settings.concurrency - this.inFlight.size;
      if (room <= 0) return;
      const claims = await claimDueDeliveries(dataSource, room, settings.claimLeaseMs);
      if (claims.length === 0) return;
      for (const claim of claims) {
        const attempt = this.attempt(claim).finally(() => {
          this.inFlight.delete(attempt);
          this.wake();
        });
        this.inFlight.add(attempt);
      }
    }
  }

  private async attempt(claim: ClaimedDelivery): Promise<void> {
    const { dataSource, settings, secrets, logger } = this.deps;
    const startedAt = new Date();
    try {
      const body = JSON.stringify(
        envelopeFor({ kind: claim.ownerKind, id: claim.ownerId }, claim.envelope as never),
      );
      const headers = signedHeaders(claim, body, startedAt, secrets);
      const result = await sendWebhook(
        { url: claim.url, body, headers },
        {
          httpsOnly: settings.httpsOnly,
          allowedHosts: settings.allowedHosts,
          timeoutMs: settings.attemptTimeoutMs,
        },
      );
      const { verdict, retryInMs } = await recordDeliveryAttempt(
        dataSource,
        { id: claim.id, endpointId: claim.endpointId, attempt: claim.attempt, startedAt },
        result,
        settings.retryDelaysMs,
      );
      this.verdicts[verdict]++;
      // look again when the retry falls due, rather than at the next poll
      if (retryInMs !== null) setTimeout(() => this.wake(), retryInMs + 5).unref();
      const log = {
        deliveryId: claim.id,
        endpointId: claim.endpointId,
        attempt: claim.attempt,
        ...result,
        verdict,
      };
      if (verdict === 'endpoint-disabled')
        logger.warn(log, 'webhook endpoint disabled after persistent failure');
      else logger.debug(log, 'webhook attempt recorded');
    } catch (err) {
      // the lease runs out and the delivery is attempted again: at least once, never lost
      logger.error({ err, deliveryId: claim.id }, 'webhook attempt could not be recorded');
    }
  }

  private async listen(): Promise<void> {
    const options = this.deps.dataSource.options as { url?: string };
    const client = new Client({ connectionString: options.url });
    client.on('notification', () => this.wake());
    client.on('error', (err) => {
      this.deps.logger.warn({ err }, 'webhook wake-up connection lost; polling only until restart');
      this.listener = null;
    });
    await client.connect();
    await client.query(`LISTEN ${DELIVERIES_DUE_CHANNEL}`);
    this.listener = client;
  }
}

/**
 * Standard Webhooks headers: the delivery id (the same on every attempt), the attempt's time, and a
 * signature per live secret (the new and, for a day after a rotation, the old), space-separated.
 */
export function signedHeaders(
  claim: Pick<ClaimedDelivery, 'id' | 'secretCiphertext' | 'previousSecretCiphertext'>,
  body: string,
  at: Date,
  secrets: SecretBox,
): Record<string, string> {
  const keys = [claim.secretCiphertext, claim.previousSecretCiphertext].filter(
    (k): k is string => k !== null,
  );
  const signature = keys
    .map((sealed) => new Webhook(secrets.open(sealed)).sign(claim.id, at, body))
    .join(' ');
  return {
    'webhook-id': claim.id,
    'webhook-timestamp': String(Math.floor(at.getTime() / 1000)),
    'webhook-signature': signature,
  };
}
