import { clampPageSize } from '@iso20000/service-kit';
import type { DataSource, SelectQueryBuilder } from 'typeorm';
import type { ServiceContext } from '../context';
import { AtoEntity } from '../entities/ato.entity';
import { CourseEntity } from '../entities/course.entity';
import type { Resolvers, TrainingProviderFilter } from '../generated/graphql';
import { sortCourses } from '../loaders';
import { courseIndexOrder, encodeCursor, nameCursor } from '../pagination';
import { countryCode, languageTag, parseInput, today } from '../validation';
import { containsPattern } from './organization';

export interface TrainingProviderEdgeModel {
  cursor: string;
  node: AtoEntity;
  matchingCourses: CourseEntity[];
}

/** At most this many matching courses are shown per provider. */
const COURSES_PER_PROVIDER = 20;

interface CourseFilter {
  examCode?: string;
  country?: string;
  language?: string;
  deliveryMode?: string;
  today: string;
}

function parseFilter(filter: TrainingProviderFilter | null | undefined): {
  course: CourseFilter;
  search: string | null;
} {
  const course: CourseFilter = { today: today() };
  if (filter?.examCode) course.examCode = filter.examCode;
  if (filter?.country) course.country = parseInput(countryCode, filter.country, 'filter.country');
  if (filter?.language) course.language = parseInput(languageTag, filter.language, 'filter.language');
  if (filter?.deliveryMode) course.deliveryMode = filter.deliveryMode;
  const search = filter?.search?.trim() ? filter.search.trim() : null;
  return { course, search };
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
  const cursor = nameCursor(after);
  const { course, search } = parseFilter(filter);
  const providers = dataSource
    .getRepository(AtoEntity)
    .createQueryBuilder('a')
    .where('a.status = :accredited', { accredited: 'ACCREDITED' });
  if (search) providers.andWhere(`a.name ILIKE :search ESCAPE '\\'`, { search: containsPattern(search) });
  if (hasCourseFilter(course)) {
    providers.andWhere(
      `EXISTS (SELECT 1 FROM course m WHERE m.ato_id = a.id AND ${courseConditions('m', course)})`,
      course,
    );
  }
  if (cursor)
    providers.andWhere('(a.name, a.id) > (:afterName, :afterId)', {
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
  const { course } = parseFilter(filter);
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
) {
  const rows = await providerQuery(context.dataSource, filter, first, after).getMany();
  const page = rows.slice(0, first);
  const courses = page.length
    ? await matchingCoursesQuery(
        context.dataSource,
        filter,
        page.map((ato) => ato.id),
      ).getMany()
    : [];
  const edges: TrainingProviderEdgeModel[] = page.map((ato) => ({
    cursor: encodeCursor([ato.name, ato.id]),
    node: ato,
    matchingCourses: sortCourses(courses.filter((c) => c.atoId === ato.id)),
  }));
  return { edges, pageInfo: { hasNextPage: rows.length > first, endCursor: edges.at(-1)?.cursor ?? null } };
}

export const trainingProviderResolvers: Resolvers = {
  Query: {
    trainingProviders: (_parent, { filter, first, after }, context) =>
      findTrainingProviders(context, filter, clampPageSize(first), after),
    async courseExamLevels(_parent, _args, context) {
      const reference = await context.loaders.examReference();
      return [...reference.values()].map((level) => ({
        examCode: level.code,
        name: level.name,
        languages: [...level.languages],
        selfStudyAllowed: level.selfStudyAllowed,
        trainerEligibilityPercentage: level.trainerEligibilityPercentage,
      }));
    },
  },
};
