import { entitiesBy, isUuid, knownIds } from '@iso20000/service-kit';
import DataLoader from 'dataloader';
import { In, type DataSource } from 'typeorm';
import type { ExamCode } from './domain/exam-rules';
import { CandidateEntity } from './entities/candidate.entity';
import { ExamFormEntity } from './entities/exam-form.entity';
import { ExamSessionEntity } from './entities/exam-session.entity';
import { ExamEntity } from './entities/exam.entity';
import { ItemResponseEntity } from './entities/item-response.entity';
import { SittingTransitionEntity } from './entities/sitting-transition.entity';
import { SittingEntity } from './entities/sitting.entity';
import { SEAT_HOLDING_STATES } from './domain/sitting-lifecycle';

/** Per-request loaders: every reference costs one SQL statement per batch, never one per row. */
export interface ExamLoaders {
  exam: DataLoader<ExamCode, ExamEntity | null>;
  form: DataLoader<string, ExamFormEntity | null>;
  candidate: DataLoader<string, CandidateEntity | null>;
  session: DataLoader<string, ExamSessionEntity | null>;
  sitting: DataLoader<string, SittingEntity | null>;
  seatsTaken: DataLoader<string, number>;
  history: DataLoader<string, SittingTransitionEntity[]>;
  itemResponses: DataLoader<string, ItemResponseEntity[]>;
  /** Key `${atoId}:${candidateId}`: is this candidate one of that ATO's (ATO staff may see their names)? */
  atoHasCandidate: DataLoader<string, boolean>;
}

function byKey<K, V>(keys: readonly K[], rows: V[], keyOf: (row: V) => K): Array<V | null> {
  const map = new Map(rows.map((row) => [keyOf(row), row]));
  return keys.map((key) => map.get(key) ?? null);
}

/**
 * Rows by uuid in the order of the ids asked for. A malformed id names nothing: it resolves to
 * null without reaching SQL, as an unknown one does.
 */
async function byId<V extends { id: string }>(
  ids: readonly string[],
  find: (ids: string[]) => Promise<V[]>,
): Promise<Array<V | null>> {
  const known = knownIds(ids);
  const rows = known.length ? await find(known) : [];
  const map = new Map(rows.map((row) => [row.id, row]));
  return ids.map((id) => map.get(id.toLowerCase()) ?? null);
}

function grouped<V>(keys: readonly string[], rows: V[], keyOf: (row: V) => string): V[][] {
  const map = new Map<string, V[]>(keys.map((key) => [key, []]));
  for (const row of rows) map.get(keyOf(row))?.push(row);
  return keys.map((key) => map.get(key) ?? []);
}

export function createLoaders(dataSource: DataSource): ExamLoaders {
  const m = dataSource.manager;
  return {
    exam: new DataLoader(async (codes) =>
      byKey(codes, await entitiesBy(dataSource, ExamEntity, 'code', codes), (e) => e.code),
    ),
    form: new DataLoader(async (ids) =>
      byId(ids, (known) => entitiesBy(dataSource, ExamFormEntity, 'id', known)),
    ),
    candidate: new DataLoader(async (ids) =>
      byId(ids, (known) => entitiesBy(dataSource, CandidateEntity, 'id', known)),
    ),
    session: new DataLoader(async (ids) =>
      byId(ids, (known) => entitiesBy(dataSource, ExamSessionEntity, 'id', known)),
    ),
    sitting: new DataLoader(async (ids) =>
      byId(ids, (known) => entitiesBy(dataSource, SittingEntity, 'id', known)),
    ),
    seatsTaken: new DataLoader(async (sessionIds) => {
      const rows: Array<{ session_id: string; taken: string }> = await m.query(
        `SELECT "session_id", count(*) AS "taken" FROM "sittings" WHERE "session_id" = ANY($1::uuid[]) AND "state" = ANY($2::text[]) GROUP BY "session_id"`,
        [sessionIds, SEAT_HOLDING_STATES],
      );
      const taken = new Map(rows.map((r) => [r.session_id, Number(r.taken)]));
      return sessionIds.map((id) => taken.get(id) ?? 0);
    }),
    history: new DataLoader(async (ids) =>
      grouped(
        ids,
        await m.find(SittingTransitionEntity, {
          where: { sittingId: In([...ids]) },
          order: { occurredAt: 'ASC', id: 'ASC' },
        }),
        (t) => t.sittingId,
      ),
    ),
    itemResponses: new DataLoader(async (ids) =>
      grouped(
        ids,
        await m.find(ItemResponseEntity, {
          where: { sittingId: In([...ids]) },
          order: { itemNumber: 'ASC' },
        }),
        (r) => r.sittingId,
      ),
    ),
    atoHasCandidate: new DataLoader(async (keys) => {
      const pairs = keys.map((k) => k.split(':')).filter((p) => p.length === 2 && p.every(isUuid));
      const rows: Array<{ ato_id: string; candidate_id: string }> = await m.query(
        `SELECT DISTINCT "ato_id", "candidate_id" FROM "sittings"
          WHERE ("ato_id", "candidate_id") IN (SELECT * FROM unnest($1::uuid[], $2::uuid[]))`,
        [pairs.map((p) => p[0]), pairs.map((p) => p[1])],
      );
      const found = new Set(rows.map((r) => `${r.ato_id}:${r.candidate_id}`));
      return keys.map((k) => found.has(k));
    }),
  };
}
