import { GraphQLError } from 'graphql';

interface Bucket {
  tokens: number;
  at: number;
}

/**
 * How many subscriptions a client may start (a token bucket per client: the viewer's subject, or the
 * address of an anonymous one). A subscription with `after` replays a stream for its filter, and a
 * public one answers what verification answers, so starting them is budgeted like verification is.
 * Kept per process: with N gateway processes a client has N budgets (the subgraphs' verification
 * limits, kept in PostgreSQL, still hold for queries).
 */
export class SubscribeBudget {
  private readonly buckets = new Map<string, Bucket>();

  constructor(
    private readonly burst: number,
    private readonly perMinute: number,
    private readonly maxClients = 100_000,
    private readonly now: () => number = Date.now,
  ) {}

  /** Spends one start for the client, or returns the RATE_LIMITED refusal to answer. */
  spend(client: string): GraphQLError | undefined {
    const now = this.now();
    const refillPerMs = this.perMinute / 60_000;
    const known = this.buckets.get(client);
    const tokens = known ? Math.min(this.burst, known.tokens + (now - known.at) * refillPerMs) : this.burst;
    if (tokens < 1) {
      const retryAfterSeconds = Math.max(1, Math.ceil((1 - tokens) / refillPerMs / 1000));
      this.buckets.set(client, { tokens, at: now });
      return new GraphQLError(
        `Too many subscriptions started by this client; try again in ${retryAfterSeconds} seconds.`,
        { extensions: { code: 'RATE_LIMITED', retryAfterSeconds } },
      );
    }
    // Map order is insertion order: a full table forgets the client heard from longest ago.
    this.buckets.delete(client);
    if (this.buckets.size >= this.maxClients) {
      const oldest = this.buckets.keys().next();
      if (!oldest.done) this.buckets.delete(oldest.value);
    }
    this.buckets.set(client, { tokens: tokens - 1, at: now });
    return undefined;
  }
}
