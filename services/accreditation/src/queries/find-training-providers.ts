import { ATO_ACTIVE_STATUS } from '@iso20000/scheme';
import { decodeCursorAs, parseCountryCode, toConnection, type Connection } from '@iso20000/service-kit';
import type { DataSource, SelectQueryBuilder } from 'typeorm';
import type { ServiceContext } from '../context';
import { today } from '../domain/today';
import { AtoEntity } from '../entities/ato.entity';
import { CourseEntity } from '../entities/course.entity';
import type { TrainingProviderFilter } from '../generated/graphql';
import { parseLanguageTag, parseSearch } from '../resolvers/input';
import { containsPattern } from '../resolvers/organization';
import { courseIndexOrder, sortCourses } from './course-order';

/** At most this many matching courses are shown per provider. */
const COURSES_PER_PROVIDER = 20;

interface CourseFilter {
  examCode?: string;
  country?: string;
  language?: string;
  deliveryMode?: string;
  today: string;
}

export interface ProviderSearch {
  course: CourseFilter;
  search: string | null;
}

export interface TrainingProviderEdgeModel {
  cursor: string;
  node: AtoEntity;
  matchingCourses: CourseEntity[];
}

export interface TrainingProviderConnection {
  edges: TrainingProviderEdgeModel[];
  pageInfo: Connection<AtoEntity>['pageInfo'];
}

/** The filter checked at the edge: a country that exists, a language tag, a search within its limit. */
export function parseProviderFilter(filter: TrainingProviderFilter | null | undefined): ProviderSearch {
  const course: CourseFilter = { today: today() };
  if (filter?.examCode) course.examCode = filter.examCode;
  if (filter?.country) course.country = parseCountryCode(filter.country, 'filter.country');
  if (filter?.language) course.language = parseLanguageTag(filter.language, 'filter.language');
  if (filter?.deliveryMode) course.deliveryMode = filter.deliveryMode;
  return { course, search: parseSearch(filter?.search) };
}

/** Conditions on alias `alias` for a current or upcoming course that matches the filter. */
function courseConditions(alias: string, filter: CourseFilter): string {
  const conditions = [`(${alias}.ends_on IS NULL OR ${alias}.ends_on >= :today)`];
  if (filter.examCode) conditions.push(`${alias}.exam_code = :examCode`);
  if (filter.country) conditions.push(`${alias}.country = :country`);
  if (filter.language) conditions.push(`${alias}.language = :language`);
  if (filter.deliveryMode) conditions.push(`${alias}.delivery_mode = :deliveryMode`);
  return conditions.join(' AND ');
}

function hasCourseFilter(filter: CourseFilter): boolean {
  return Boolean(filter.examCode || filter.country || filter.language || filter.deliveryMode);
}

/** Accredited ATOs in name order (keyset), restricted to those with a matching current course when a course filter is given. */
export function providerQuery(
  dataSource: DataSource,
  filter: TrainingProviderFilter | null | undefined,
  first: number,
  after: string | null | undefined,
): SelectQueryBuilder<AtoEntity> {
  const cursor = decodeCursorAs(after, ['string', 'uuid']);
  const { course, search } = parseProviderFilter(filter);
  const providers = dataSource
    .getRepository(AtoEntity)
    .createQueryBuilder('a')
    .where('a.status = :accredited', { accredited: ATO_ACTIVE_STATUS });
  if (search) providers.andWhere(`a.name ILIKE :search ESCAPE '\\'`, { search: containsPattern(search) });
  if (hasCourseFilter(course)) {
    providers.andWhere(
      `EXISTS (SELECT 1 FROM course m WHERE m.ato_id = a.id AND ${courseConditions('m', course)})`,
      course,
    );
  }
  if (cursor)
    providers.andWhere('(a.name, a.id) > (:afterName, CAST(:afterId AS uuid))', {
      afterName: cursor[0],
      afterId: cursor[1],
    });
  return providers
    .orderBy('a.name', 'ASC')
    .addOrderBy('a.id', 'ASC')
    .limit(first + 1);
}

/** The matching current courses of a page of providers: a LATERAL top-N per ATO, one statement. */
export function matchingCoursesQuery(
  dataSource: DataSource,
  filter: TrainingProviderFilter | null | undefined,
  atoIds: string[],
): SelectQueryBuilder<CourseEntity> {
  const { course } = parseProviderFilter(filter);
  return dataSource
    .getRepository(CourseEntity)
    .createQueryBuilder('c')
    .where(
      `c.id IN (SELECT page.id FROM unnest(CAST(:atoIds AS uuid[])) AS owner(id) CROSS JOIN LATERAL (
         SELECT p.id FROM course p WHERE p.ato_id = owner.id AND ${courseConditions('p', course)}
         ORDER BY ${courseIndexOrder('p')} LIMIT :perProvider
       ) page)`,
      { ...course, atoIds, perProvider: COURSES_PER_PROVIDER },
    );
}

/** The public search: a page of providers, then their matching courses (two statements whatever the page size). */
export async function findTrainingProviders(
  context: ServiceContext,
  filter: TrainingProviderFilter | null | undefined,
  first: number,
  after: string | null | undefined,
): Promise<TrainingProviderConnection> {
  const rows = await providerQuery(context.dataSource, filter, first, after).getMany();
  const page = toConnection(rows, first, (ato) => [ato.name, ato.id]);
  const courses = page.edges.length
    ? await matchingCoursesQuery(
        context.dataSource,
        filter,
        page.edges.map((edge) => edge.node.id),
      ).getMany()
    : [];
  return {
    ...page,
    edges: page.edges.map((edge) => ({
      ...edge,
      matchingCourses: sortCourses(courses.filter((c) => c.atoId === edge.node.id)),
    })),
  };
}
