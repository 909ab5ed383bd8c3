import {
  clampPageSize,
  decodeCursorAs,
  entityRows,
  parseCountryCode,
  parseId,
  parseOptionalText,
  refuse,
  TEXT_LIMITS,
  toConnection,
  type Connection,
} from '@iso20000/service-kit';
import type { DataSource, EntityManager, SelectQueryBuilder } from 'typeorm';
import type { CalendarDate } from '../domain/calendar-date';
import type { CertificationStatus } from '../domain/certification-lifecycle';
import { searchWords } from '../domain/search-text';
import { CertifiedOrganizationEntity } from '../entities/certified-organization.entity';
import type { CertifiedOrganizationFilter } from '../generated/graphql';

/** SQL for "a certification in this status as readers see it" (expiry counts before the job runs). */
export function effectiveStatusSql(alias: string, status: CertificationStatus): string {
  // the last valid day: the expiry, or a withdrawn RCB's transfer deadline when sooner
  const lastDay = `LEAST(${alias}.expiry, COALESCE(${alias}.transfer_deadline, ${alias}.expiry))`;
  switch (status) {
    case 'CERTIFIED':
    case 'SUSPENDED':
      return `(${alias}.status = '${status}' AND ${lastDay} >= :today)`;
    case 'WITHDRAWN':
      return `${alias}.status = 'WITHDRAWN'`;
    case 'EXPIRED':
      return `(${alias}.status = 'EXPIRED' OR (${alias}.status IN ('CERTIFIED', 'SUSPENDED') AND ${lastDay} < :today))`;
  }
}

/**
 * How alike a query word and the closest part of a name must be (pg_trgm word similarity, 0..1).
 * 0.3 lets one typo through in a word of four letters or more, swapped letters included (`acne`
 * finds Acme, `kpgm` KPMG, `nodrisk` Nordisk: 0.33), where the extension's default of 0.6 needs
 * words of about eight letters; two typos in a short word (`sevicos` for services: 0.27) stay out.
 */
export const WORD_SIMILARITY_THRESHOLD = 0.3;

interface ParsedFilter {
  name: string | null;
  country: string | null;
  rcbId: string | null;
  status: CertificationStatus | null;
  standard: CertifiedOrganizationFilter['standard'];
}

function parseFilter(filter: CertifiedOrganizationFilter | null | undefined): ParsedFilter {
  const name = parseOptionalText(filter?.name, { field: 'filter.name', max: TEXT_LIMITS.search });
  if (filter?.name !== undefined && filter.name !== null && (name ?? '').length < 2) {
    throw refuse.badInput('filter.name needs at least 2 characters');
  }
  return {
    name,
    country: filter?.country ? parseCountryCode(filter.country, 'filter.country') : null,
    rcbId: filter?.rcbId ? parseId(filter.rcbId, 'filter.rcbId') : null,
    status: filter?.status ?? null,
    standard: filter?.standard ?? null,
  };
}

/**
 * The public registry. With a name, every word of the query must match a word of the legal or an
 * other name (folded: case and accents do not matter; one typo per word is tolerated; words of the
 * name may be left out), ranked by how closely they match; without one, in name order. Keyset
 * cursors either way, over every match: the last page is the last match.
 */
export async function searchCertifiedOrganizations(
  dataSource: DataSource,
  rawFilter: CertifiedOrganizationFilter | null | undefined,
  args: { first?: number | null; after?: string | null },
  today: CalendarDate,
  ranking: NameRanking = NEAREST_FIRST,
): Promise<Connection<CertifiedOrganizationEntity>> {
  const first = clampPageSize(args.first, 100, 20);
  const filter = parseFilter(rawFilter);
  if (filter.name) {
    const after = decodeCursorAs(args.after, ['number', 'string', 'uuid']);
    const name = filter.name;
    return withWordSimilarityThreshold(dataSource, (manager) =>
      searchByName(manager, filter, name, first, after, today, ranking),
    );
  }
  const after = decodeCursorAs(args.after, ['string', 'uuid']);
  const query = filtered(dataSource.manager, 'o', filter, today);
  query.orderBy('o.sort_name', 'ASC').addOrderBy('o.id', 'ASC');
  if (after) {
    query.andWhere('(o.sort_name, o.id) > (:afterName, CAST(:afterId AS uuid))', {
      afterName: after[0],
      afterId: after[1],
    });
  }
  const organizations = entityRows(dataSource, CertifiedOrganizationEntity, 'o');
  const raw = await query
    .select(organizations.select)
    .limit(first + 1)
    .getRawMany<Record<string, unknown>>();
  const rows = raw.map((columns) => organizations.build(columns));
  return toConnection(rows, first, (row) => [row.sortName, row.id]);
}

/** The pooled connections whose session already has the search's threshold. */
const connectionsWithThreshold = new WeakSet<object>();

/**
 * Runs `work` on one pooled connection whose session has pg_trgm.word_similarity_threshold set (the
 * threshold of `<%` is a setting, not an argument). Set once per connection, at session level: only
 * this search uses pg_trgm's operators, and a transaction with SET LOCAL cost three more round trips
 * (START, SET, COMMIT) on every search.
 */
async function withWordSimilarityThreshold<T>(
  dataSource: DataSource,
  work: (manager: EntityManager) => Promise<T>,
): Promise<T> {
  const runner = dataSource.createQueryRunner();
  try {
    const connection = (await runner.connect()) as object;
    if (!connectionsWithThreshold.has(connection)) {
      await runner.query(`SET pg_trgm.word_similarity_threshold = ${WORD_SIMILARITY_THRESHOLD}`);
      connectionsWithThreshold.add(connection);
    }
    return await work(runner.manager);
  } finally {
    await runner.release();
  }
}

/**
 * Listed organizations that pass the filter's other conditions. One RCB's organizations are looked
 * up from its certifications ('from the RCB'), unless the query is already narrowed to a few ids
 * ('per organization': the page's candidates, whose certifications are checked one by one).
 */
function filtered(
  manager: EntityManager,
  alias: string,
  filter: ParsedFilter,
  today: CalendarDate,
  rcbLookup: 'from the RCB' | 'per organization' = 'from the RCB',
) {
  const query = manager
    .getRepository(CertifiedOrganizationEntity)
    .createQueryBuilder(alias)
    .where(`${alias}.public_listing = true`)
    .setParameter('today', today);
  if (filter.country) query.andWhere(`${alias}.country = :country`, { country: filter.country });
  const certificationConditions: string[] = [];
  if (filter.rcbId) certificationConditions.push('c.rcb_id = :rcbId');
  if (filter.standard) certificationConditions.push('c.standard = :standard');
  if (filter.status) certificationConditions.push(effectiveStatusSql('c', filter.status));
  if (filter.rcbId && rcbLookup === 'from the RCB') {
    // One RCB's organizations are few: looked up by id from its certifications, so the plan starts
    // from them. As a semi-join the planner scanned every organization instead, scoring each name
    // (0.3 s for an RCB of 2,000 certifications at 62,000 organizations; 20 ms this way).
    query.andWhere(
      `${alias}.id = ANY(ARRAY(SELECT c.organization_id FROM organization_certification c WHERE ${certificationConditions.join(' AND ')}))`,
      { rcbId: filter.rcbId, standard: filter.standard },
    );
  } else if (certificationConditions.length) {
    query.andWhere(
      `EXISTS (SELECT 1 FROM organization_certification c WHERE c.organization_id = ${alias}.id AND ${certificationConditions.join(' AND ')})`,
      { rcbId: filter.rcbId, standard: filter.standard },
    );
  }
  return query;
}

async function searchByName(
  manager: EntityManager,
  filter: ParsedFilter,
  name: string,
  first: number,
  after: string[] | null,
  today: CalendarDate,
  ranking: NameRanking,
): Promise<Connection<CertifiedOrganizationEntity>> {
  const words = searchWords(name);
  if (words.length === 0) return toConnection([], first, () => []);
  /**
   * One condition per word, so every word must match, in one of two forms with the same meaning:
   * - 'index': `<%` (word similarity at least pg_trgm.word_similarity_threshold), which the trigram
   *   index serves; for finding matches among all organizations.
   * - 'rows': word_similarity() compared with the same threshold, which no index serves; for rows
   *   already found another way (one RCB's organizations, a tie's names, the page's candidates). With
   *   `<%` the planner reached for the trigram index even there: a search within one RCB at 600,000
   *   organizations read every name match (29,000 rows, 0.7 s) instead of the RCB's 400
   *   organizations (15 ms), and estimating `<%` costs ~0.6 ms of planning per word.
   */
  const everyWordMatches = <T extends SelectQueryBuilder<object>>(query: T, form: 'index' | 'rows'): T => {
    words.forEach((word, i) => {
      query.andWhere(
        form === 'index'
          ? `public.registry_fold(:word${i}) <% o.search_folded`
          : `word_similarity(public.registry_fold(:word${i}), o.search_folded) >= CAST(:threshold AS float8)`,
        { [`word${i}`]: word, threshold: WORD_SIMILARITY_THRESHOLD },
      );
    });
    return query;
  };
  const matching = (form: 'index' | 'rows', rcbLookup?: 'per organization') => {
    return everyWordMatches(
      filtered(manager, 'o', filter, today, rcbLookup).setParameter('name', name),
      form,
    );
  };
  const afterCursor = <T extends ReturnType<typeof matching>>(query: T): T => {
    if (after)
      query.andWhere(
        `(${SCORE}, o.sort_name, o.id) > (CAST(:afterScore AS float8), :afterName, CAST(:afterId AS uuid))`,
        { afterScore: after[0], afterName: after[1], afterId: after[2] },
      );
    return query;
  };
  const tieByName = (tie: number, need: number, budget: number) => {
    // The first listed names (index order, the cursor's own name onwards when it is in this tie),
    // then the search's conditions on those only: PostgreSQL stops as soon as `need` are found.
    const fromName = after && Number(after[0]) === tie ? { afterName: after[1], afterId: after[2] } : null;
    const names = filter.rcbId
      ? rcbListedNames(manager, filter, filter.rcbId, today, budget, fromName)
      : listedNames(manager, filter, today, budget, fromName);
    const query = manager
      .createQueryBuilder()
      .select('o.id', 'id')
      .from(`(${names.getQuery()})`, 'o')
      .setParameters({ ...names.getParameters(), name, tie });
    // An organization with two of the RCB's certifications is two of its names, listed once.
    if (filter.rcbId) query.distinctOn(['o.sort_name', 'o.id']);
    // A tie at distance 0 (a common word itself, thousands of names): cheap tests that such names
    // pass first, so that few reach the two trigram comparisons (page of 100: 4.7 ms, now 2 ms).
    if (tie === 0) {
      const { substrings, patterns } = exactMatchConditions(words);
      substrings.forEach((substring, i) => {
        query.andWhere(`strpos(o.search_folded, :substring${i}) > 0`, { [`substring${i}`]: substring });
      });
      patterns.forEach((pattern, i) => {
        query.andWhere(`o.search_folded ~ :pattern${i}`, { [`pattern${i}`]: pattern });
      });
    }
    query.andWhere(`${SCORE} = CAST(:tie AS float8)`);
    return everyWordMatches(query, 'rows')
      .orderBy('o.sort_name', 'ASC')
      .addOrderBy('o.id', 'ASC')
      .limit(need);
  };
  // An RCB's own organizations are few: ranking all its matches is cheap, starting from them (filtered),
  // unless its first names fill the page at distance 0 (rcbTieCandidates).
  const candidates =
    ranking === 'every-match'
      ? null
      : filter.rcbId
        ? await rcbTieCandidates(tieByName, after, first, ranking)
        : await nearestCandidates(() => matching('index'), afterCursor, tieByName, first, ranking);
  const organizations = entityRows(manager.connection, CertifiedOrganizationEntity, 'o');
  const query = afterCursor(
    // Among a few candidates, an RCB's condition is checked per candidate: looking up all the RCB's
    // organizations again cost 4 ms of the 8 on a page of 20 from an RCB of 2,000.
    matching(filter.rcbId || candidates ? 'rows' : 'index', candidates ? 'per organization' : undefined)
      .select(organizations.select)
      .addSelect(SCORE, 'score'),
  );
  if (candidates)
    query.andWhere('o.id IN (:...candidates)', { candidates: candidates.length ? candidates : [NO_ID] });
  query.orderBy('score', 'ASC').addOrderBy('o.sort_name', 'ASC').addOrderBy('o.id', 'ASC');
  const raw = await query.limit(first + 1).getRawMany<Record<string, unknown>>();
  const entities = raw.map((columns) => organizations.build(columns));
  const scores = new Map(entities.map((entity, i) => [entity.id, Number(raw[i].score)]));
  return toConnection(entities, first, (row) => [String(scores.get(row.id)), row.sortName, row.id]);
}

/** The cursor's place in a tie: names after it only. */
interface NameCursor {
  afterName: string;
  afterId: string;
}

/** The first `budget` listed organizations passing the filter, in name order (the name index). */
function listedNames(
  manager: EntityManager,
  filter: ParsedFilter,
  today: CalendarDate,
  budget: number,
  fromName: NameCursor | null,
) {
  const names = filtered(manager, 'o', filter, today)
    .select(['o.id AS id', 'o.sort_name AS sort_name', 'o.search_folded AS search_folded'])
    .orderBy('o.sort_name', 'ASC')
    .addOrderBy('o.id', 'ASC')
    .limit(budget);
  if (fromName) names.andWhere('(o.sort_name, o.id) > (:afterName, CAST(:afterId AS uuid))', fromName);
  return names;
}

/**
 * The same for one RCB: its certifications that pass the filter, in their organizations' name order
 * (ix_organization_certification_rcb_name), each joined to its organization if listed, the first
 * `budget` of them. The organization is looked up per certification in that order (a LATERAL
 * subquery that OFFSET 0 keeps from being flattened into a join): the planner, seeing a limit of
 * `budget`, otherwise joins all the RCB's certifications to every listed organization by hash and
 * sorts them, the cost of looking up every organization of the RCB that this index is here to avoid
 * (2,000 organizations: 6 ms, this way 0.7 ms for a page of 20). An organization with several of
 * the RCB's certifications comes once per certification; the caller lists it once.
 */
function rcbListedNames(
  manager: EntityManager,
  filter: ParsedFilter,
  rcbId: string,
  today: CalendarDate,
  budget: number,
  fromName: NameCursor | null,
) {
  const certifications = manager
    .createQueryBuilder()
    .select('rc.organization_id', 'id')
    .addSelect('rc.organization_sort_name', 'sort_name')
    .from('organization_certification', 'rc')
    .where('rc.rcb_id = :rcbId', { rcbId })
    .setParameter('today', today);
  if (filter.standard) certifications.andWhere('rc.standard = :standard', { standard: filter.standard });
  if (filter.status) certifications.andWhere(effectiveStatusSql('rc', filter.status));
  if (fromName)
    certifications.andWhere(
      '(rc.organization_sort_name, rc.organization_id) > (:afterName, CAST(:afterId AS uuid))',
      fromName,
    );
  const country = filter.country ? ' AND x.country = :country' : '';
  return {
    getQuery: () =>
      `SELECT n.id AS id, n.sort_name AS sort_name, listed.search_folded AS search_folded ` +
      `FROM (${certifications.getQuery()}) n CROSS JOIN LATERAL (SELECT x.search_folded FROM certified_organization x ` +
      `WHERE x.id = n.id AND x.public_listing = true${country} OFFSET 0) listed ` +
      `ORDER BY n.sort_name ASC, n.id ASC LIMIT ${Math.trunc(budget)}`,
    getParameters: () => ({ ...certifications.getParameters(), country: filter.country }),
  };
}

/**
 * What a name at word distance 0 from the query must contain: it has every trigram of the query, so
 * for each query word w of ASCII letters and digits, each three characters of w in a row, a word
 * beginning with w's first two and a word ending with its last two (pg_trgm pads words: "  s", " se",
 * ..., "ce "). A substring test and a regular expression cost a fraction of a trigram comparison,
 * and leave few names for it. Only such words, which folding leaves as they are and pg_trgm takes
 * as letters in any locale: other words add no condition (none is safer than a wrong one).
 */
export function exactMatchConditions(words: string[]): { substrings: string[]; patterns: string[] } {
  const substrings = new Set<string>();
  const patterns = new Set<string>();
  const boundaryBefore = '(^|[^a-z0-9])';
  const boundaryAfter = '([^a-z0-9]|$)';
  for (const word of words) {
    const w = word.toLowerCase();
    if (!/^[a-z0-9]+$/.test(w)) continue;
    if (w.length === 1) {
      patterns.add(`${boundaryBefore}${w}${boundaryAfter}`);
      continue;
    }
    patterns.add(`${boundaryBefore}${w.slice(0, 2)}`);
    patterns.add(`${w.slice(-2)}${boundaryAfter}`);
    for (let i = 0; i + 3 <= w.length; i++) substrings.add(w.slice(i, i + 3));
  }
  return { substrings: [...substrings], patterns: [...patterns] };
}

/** Ranked by the whole query's word distance (float4, compared as float8 so cursors round-trip). */
const SCORE = '(o.search_folded <->> public.registry_fold(:name))::float8';
/** Nearest first, as the trigram index walks them (KNN): the order by distance alone. */
const DISTANCE = 'o.search_folded <->> public.registry_fold(:name)';
const NO_ID = '00000000-0000-0000-0000-000000000000';
/**
 * How a name search finds its page: from the nearest matches (below), or by ranking every match (as
 * for one RCB's organizations, and in tests, which compare the two).
 */
export type NameRanking =
  | {
      /** How many nearest matches are read beyond the page before a tie is looked at more closely. */
      nearestMargin: number;
      /** How many listed names, in name order, are looked through for the rest of a cut tie. */
      tieBudget: number;
    }
  | 'every-match';
// A margin of 20, not 100: a common word's nearest matches are one tie at distance 0, which the margin
// cannot settle, and each match read from the trigram index costs ~18 µs (page of 20: 2.9 ms, now 1.6).
const NEAREST_FIRST: NameRanking = { nearestMargin: 20, tieBudget: 3000 };

/**
 * The page of a search within one RCB when it is a tie at distance 0: the query's words are words of
 * the names (an RCB's clients named alike, a common word typed in full), so the page is the first
 * such names in name order. They are found by testing the RCB's names in name order, cheap tests
 * first, until the page is full, instead of computing three trigram comparisons for every one of the
 * RCB's names and sorting by distance (2,000 organizations of one RCB: 44 ms, this way 8 ms). When
 * fewer are at distance 0, or the cursor is past them, null: every match is ranked, as before.
 */
async function rcbTieCandidates(
  tieByName: (tie: number, need: number, budget: number) => SelectQueryBuilder<object>,
  after: string[] | null,
  first: number,
  { tieBudget }: Exclude<NameRanking, 'every-match'>,
): Promise<string[] | null> {
  if (after && Number(after[0]) !== 0) return null;
  const named = await tieByName(0, first + 1, tieBudget).getRawMany<{ id: string }>();
  return named.length === first + 1 ? named.map((row) => row.id) : null;
}

/**
 * The ids among which the page lies, without ranking every match: a common word ("services") matches
 * half the registry, and computing and sorting every distance took seconds at 600,000 organizations.
 * The trigram index hands matches out nearest first (KNN), so the nearest `first + 1 + margin` after
 * the cursor are read; every match after the cursor nearer than the farthest of those is among them.
 * Only the farthest distance read may have more matches (a tie, typically thousands of names with the
 * word itself): the rest of the page is taken from its first names in name order, looked for among the
 * first `tieBudget` listed names (the name index), which a large tie fills at once. A tie too sparse
 * for that returns null: every match is ranked, as before. The page itself is then ranked by
 * (score, name, id) among these ids, so it is exactly the page ranking every match would give.
 */
async function nearestCandidates(
  matching: () => SelectQueryBuilder<CertifiedOrganizationEntity>,
  afterCursor: (
    query: SelectQueryBuilder<CertifiedOrganizationEntity>,
  ) => SelectQueryBuilder<CertifiedOrganizationEntity>,
  tieByName: (tie: number, need: number, budget: number) => SelectQueryBuilder<object>,
  first: number,
  { nearestMargin, tieBudget }: Exclude<NameRanking, 'every-match'>,
): Promise<string[] | null> {
  const nearest = async (limit: number) => {
    // Only matches after the cursor: then all of them nearer than the farthest read are in hand.
    const query = afterCursor(matching().select('o.id', 'id').addSelect(SCORE, 'score'));
    const rows = await query
      .orderBy(DISTANCE, 'ASC')
      .limit(limit)
      .getRawMany<{ id: string; score: number }>();
    return rows.map((row) => ({ id: row.id, score: Number(row.score) }));
  };
  const wanted = first + 1;
  const read = await nearest(wanted + nearestMargin);
  if (read.length < wanted + nearestMargin) return read.map((row) => row.id); // every match
  const farthest = read[read.length - 1]?.score ?? 0;
  const nearer = read.filter((row) => row.score < farthest);
  if (nearer.length >= wanted) return nearer.map((row) => row.id);
  // The farthest distance read is a tie the read may have cut: its first names after the cursor, in
  // name order, among the first `tieBudget` listed names (a large tie fills them at once).
  const need = wanted - nearer.length;
  const names = tieByName(farthest, need, tieBudget);
  const named = await names.getRawMany<{ id: string }>();
  if (named.length < need) return null; // a sparse tie: every match is ranked instead
  return [...nearer.map((row) => row.id), ...named.map((row) => row.id)];
}
