import { badUserInput, clampPageSize, decodeCursor, encodeCursor } from '@iso20000/service-kit';
import type { ServiceContext } from '../context';
import type { CalendarDate } from '../domain/calendar-date';
import type { CertificationStatus } from '../domain/certification-lifecycle';
import { CertifiedOrganizationEntity } from '../entities/certified-organization.entity';
import type { CertifiedOrganizationFilter } from '../generated/graphql';

export interface Connection<T> {
  edges: { cursor: string; node: T }[];
  pageInfo: { hasNextPage: boolean; endCursor: string | null };
}

export function connection<T>(rows: T[], first: number, cursorOf: (row: T) => string): Connection<T> {
  const page = rows.slice(0, first);
  const edges = page.map((node) => ({ cursor: cursorOf(node), node }));
  return {
    edges,
    pageInfo: {
      hasNextPage: rows.length > first,
      endCursor: edges.length ? edges[edges.length - 1].cursor : null,
    },
  };
}

/** SQL for "a certification in this status as readers see it" (expiry counts before the job runs). */
export function effectiveStatusSql(alias: string, status: CertificationStatus): string {
  switch (status) {
    case 'CERTIFIED':
    case 'SUSPENDED':
      return `(${alias}.status = '${status}' AND ${alias}.expiry >= :today)`;
    case 'WITHDRAWN':
      return `${alias}.status = 'WITHDRAWN'`;
    case 'EXPIRED':
      return `(${alias}.status = 'EXPIRED' OR (${alias}.status IN ('CERTIFIED', 'SUSPENDED') AND ${alias}.expiry < :today))`;
  }
}

/** How deep a relevance-ranked name search may page. */
export const MAX_RELEVANCE_RESULTS = 100;

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/**
 * The public registry. With a name, results are ranked by trigram word similarity on folded names
 * (so case, accents and small typos do not matter); without one, in name order with keyset
 * pagination (the cursor holds the sort key of the last row).
 */
export async function searchCertifiedOrganizations(
  ctx: ServiceContext,
  filter: CertifiedOrganizationFilter | null | undefined,
  args: { first?: number | null; after?: string | null },
  today: CalendarDate,
): Promise<Connection<CertifiedOrganizationEntity>> {
  const first = clampPageSize(args.first, 100, 20);
  const name = filter?.name?.trim() ?? '';
  if (filter?.name !== undefined && filter.name !== null && name.length < 2) {
    throw badUserInput('filter.name needs at least 2 characters');
  }
  if (name.length > 200) throw badUserInput('filter.name must be at most 200 characters');
  const country = filter?.country?.trim().toUpperCase();
  if (country !== undefined && !/^[A-Z]{2}$/.test(country))
    throw badUserInput('filter.country must be an ISO 3166-1 alpha-2 code such as GB');
  if (filter?.rcbId && !UUID.test(filter.rcbId))
    throw badUserInput('filter.rcbId must be an RCB id (a uuid)');

  const repository = ctx.dataSource.getRepository(CertifiedOrganizationEntity);
  const filtered = (alias: string) => {
    const query = repository
      .createQueryBuilder(alias)
      .where(`${alias}.public_listing = true`)
      .setParameter('today', today);
    if (country) query.andWhere(`${alias}.country = :country`, { country });
    const certificationConditions: string[] = [];
    if (filter?.rcbId) certificationConditions.push('c.rcb_id = :rcbId');
    if (filter?.standard) certificationConditions.push('c.standard = :standard');
    if (filter?.status) certificationConditions.push(effectiveStatusSql('c', filter.status));
    if (certificationConditions.length) {
      query.andWhere(
        `EXISTS (SELECT 1 FROM organization_certification c WHERE c.organization_id = ${alias}.id AND ${certificationConditions.join(' AND ')})`,
        { rcbId: filter?.rcbId?.toLowerCase(), standard: filter?.standard },
      );
    }
    return query;
  };

  const after = args.after ? decodeCursor(args.after) : null;
  if (name) {
    // The nearest matches come straight from the GiST index (KNN on word distance, reading only as
    // many rows as the page needs); the outer query adds the id as tiebreaker for stable keyset
    // pages. The window bounds how deep a name search pages.
    const best = filtered('m')
      .select('m.id', 'id')
      .addSelect('m.search_folded <->> public.registry_fold(:name)', 'distance')
      .andWhere('m.search_folded %> public.registry_fold(:name)', { name })
      .orderBy('distance')
      .limit(MAX_RELEVANCE_RESULTS);
    const query = repository
      .createQueryBuilder('o')
      .innerJoin(`(${best.getQuery()})`, 'best', 'best.id = o.id')
      .setParameters(best.getParameters())
      .addSelect('best.distance', 'distance')
      .orderBy('best.distance', 'ASC')
      .addOrderBy('o.id', 'ASC');
    if (after) {
      const [afterDistance, afterId] = after;
      if (typeof afterDistance !== 'number' || typeof afterId !== 'string' || !UUID.test(afterId))
        throw badCursor();
      query.where(
        '(best.distance > CAST(:afterDistance AS real) OR (best.distance = CAST(:afterDistance AS real) AND o.id > CAST(:afterId AS uuid)))',
        {
          afterDistance,
          afterId,
        },
      );
    }
    const { entities, raw } = await query.limit(first + 1).getRawAndEntities<{ distance: number }>();
    const distances = new Map(entities.map((entity, i) => [entity.id, Number(raw[i].distance)]));
    return connection(entities, first, (row) => encodeCursor([distances.get(row.id), row.id]));
  }

  const query = filtered('o');
  query.orderBy('o.sort_name', 'ASC').addOrderBy('o.id', 'ASC');
  if (after) {
    const [afterName, afterId] = after;
    if (typeof afterName !== 'string' || typeof afterId !== 'string' || !UUID.test(afterId))
      throw badCursor();
    query.andWhere('(o.sort_name, o.id) > (:afterName, CAST(:afterId AS uuid))', { afterName, afterId });
  }
  const rows = await query.limit(first + 1).getMany();
  return connection(rows, first, (row) => encodeCursor([row.sortName, row.id]));
}

function badCursor() {
  return badUserInput(
    'The `after` cursor does not belong to this search; pass endCursor from the previous page of the same search.',
  );
}
