import { createServer, type IncomingHttpHeaders, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';

/** One request as a webhook receiver saw it, and what it answered. */
export interface ReceivedWebhook {
  headers: IncomingHttpHeaders;
  body: string;
  /** The status answered. */
  status: number;
  /** When the whole body had arrived (performance.now() in the receiving process). */
  receivedAt: number;
}

/**
 * A real HTTP endpoint on loopback (a free port) that records every request. `answer` decides the
 * status per request (default 204), e.g. fail a delivery's first five attempts.
 */
export class WebhookReceiver {
  readonly received: ReceivedWebhook[] = [];
  answer: (request: { headers: IncomingHttpHeaders; body: string; attempt: number }) => number = () => 204;
  private readonly attemptsById = new Map<string, number>();
  private readonly waiters = new Set<() => void>();

  private constructor(private readonly server: Server) {}

  static async start(): Promise<WebhookReceiver> {
    const server = createServer();
    const receiver = new WebhookReceiver(server);
    server.on('request', (req, res) => {
      const chunks: Buffer[] = [];
      req.on('data', (chunk: Buffer) => chunks.push(chunk));
      req.on('end', () => {
        const body = Buffer.concat(chunks).toString('utf8');
        const id = String(req.headers['webhook-id'] ?? '');
        const attempt = (receiver.attemptsById.get(id) ?? 0) + 1;
        receiver.attemptsById.set(id, attempt);
        const status = receiver.answer({ headers: req.headers, body, attempt });
        receiver.received.push({ headers: req.headers, body, status, receivedAt: performance.now() });
        res.writeHead(status).end();
        for (const wake of receiver.waiters) wake();
      });
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    return receiver;
  }

  get url(): string {
    return `http://127.0.0.1:${(this.server.address() as AddressInfo).port}/webhooks`;
  }

  /** The requests it answered with a 2xx: what was delivered. */
  get delivered(): ReceivedWebhook[] {
    return this.received.filter((r) => r.status >= 200 && r.status < 300);
  }

  /** The delivered envelopes, parsed. */
  deliveredEnvelopes<T = Record<string, unknown>>(): T[] {
    return this.delivered.map((r) => JSON.parse(r.body) as T);
  }

  /** Resolves once `count` requests were answered 2xx (or rejects after timeoutMs). */
  async waitForDeliveries(count: number, timeoutMs = 10_000): Promise<ReceivedWebhook[]> {
    const deadline = Date.now() + timeoutMs;
    while (this.delivered.length < count) {
      const left = deadline - Date.now();
      if (left <= 0) throw new Error(`expected ${count} deliveries, got ${this.delivered.length}`);
      await new Promise<void>((resolve) => {
        const wake = () => {
          this.waiters.delete(wake);
          clearTimeout(timer);
          resolve();
        };
        const timer = setTimeout(wake, left);
        this.waiters.add(wake);
      });
    }
    return this.delivered;
  }

  async close(): Promise<void> {
    await new Promise<void>((resolve) => this.server.close(() => resolve()));
  }
}
