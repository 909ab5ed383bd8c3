import { badUserInput } from '@iso20000/service-kit';
import { SUBGRAPH_SERVICES, type SubgraphServiceName as Producer } from '@iso20000/topology';
import { GraphQLError } from 'graphql';

/**
 * Where a subscriber stands in one producer's stream: the last sequence it has been given (or skipped
 * as not its own) and the stream's creation instant, so a cursor from a stream that was since
 * recreated (sequences start again at 1) is told apart from a current one.
 */
export interface StreamPosition {
  seq: number;
  /** The stream's `created` instant, ms since the epoch. */
  created: number;
}

export type FeedPositions = Partial<Record<Producer, StreamPosition>>;

const PREFIX = 'v1.';
/** A cursor is small: a handful of producers, two numbers each. Anything longer is not one of ours. */
const MAX_CURSOR_LENGTH = 400;
const PRODUCER_NAMES = new Set<string>(SUBGRAPH_SERVICES);

/**
 * The opaque cursor a payload carries: the stream positions of every stream its subscription reads,
 * so resuming on any gateway replica reads each stream from exactly there. Not signed: a cursor
 * names only positions, and every event read from them is filtered for the subscriber again.
 */
export function encodeFeedCursor(positions: FeedPositions): string {
  const compact: Record<string, [number, number]> = {};
  for (const [producer, position] of Object.entries(positions) as [Producer, StreamPosition][])
    compact[producer] = [position.seq, position.created];
  return PREFIX + Buffer.from(JSON.stringify(compact), 'utf8').toString('base64url');
}

/** Reads a cursor given as `after`; it must name exactly the streams this subscription reads. */
export function decodeFeedCursor(text: string, producers: readonly Producer[]): FeedPositions {
  const refuse = () =>
    badUserInput(
      'after is not a cursor of this subscription: pass the cursor of a payload this subscription sent',
      { field: 'after' },
    );
  if (text.length > MAX_CURSOR_LENGTH || !text.startsWith(PREFIX)) throw refuse();
  let decoded: unknown;
  try {
    decoded = JSON.parse(Buffer.from(text.slice(PREFIX.length), 'base64url').toString('utf8'));
  } catch {
    throw refuse();
  }
  if (typeof decoded !== 'object' || decoded === null || Array.isArray(decoded)) throw refuse();
  const entries = Object.entries(decoded as Record<string, unknown>);
  if (entries.length !== producers.length) throw refuse();
  const positions: FeedPositions = {};
  for (const [producer, value] of entries) {
    if (!PRODUCER_NAMES.has(producer) || !producers.includes(producer as Producer)) throw refuse();
    if (
      !Array.isArray(value) ||
      value.length !== 2 ||
      !value.every((n) => typeof n === 'number' && Number.isSafeInteger(n) && n >= 0)
    )
      throw refuse();
    positions[producer as Producer] = { seq: value[0] as number, created: value[1] as number };
  }
  return positions;
}

/**
 * The cursor points before what the stream still holds (its retention dropped changes since), or
 * into a stream that was recreated: the changes in between cannot be replayed.
 */
export function cursorExpired(message: string, details: Record<string, unknown>): GraphQLError {
  return new GraphQLError(message, { extensions: { code: 'CURSOR_EXPIRED', ...details } });
}
