import { entitiesBy, knownIds } from '@iso20000/service-kit';
import DataLoader from 'dataloader';
import { In, type DataSource, type EntityTarget, type ObjectLiteral } from 'typeorm';
import { AtoEntity } from './entities/ato.entity';
import { CourseEntity } from './entities/course.entity';
import { RcbEntity } from './entities/rcb.entity';
import { TrainerQualificationEntity } from './entities/trainer-qualification.entity';
import { TrainerEntity } from './entities/trainer.entity';
import { courseIndexOrder, courseOrderKey, sortCourses, type CourseCursor } from './queries/course-order';

/** Per-request loaders: every reference is one SQL statement per batch, never one per row. */
export interface Loaders {
  atoById: DataLoader<string, AtoEntity | null>;
  rcbById: DataLoader<string, RcbEntity | null>;
  trainerById: DataLoader<string, TrainerEntity | null>;
  qualificationsByCandidateId: DataLoader<string, TrainerQualificationEntity[]>;
  /** An ATO's courses, one page per ATO, for a given page size and cursor (one statement for all ATOs). */
  coursesOfAto(first: number, after: CourseCursor | null): DataLoader<string, CourseEntity[]>;
}

/** Rows by id, in the order asked; a malformed id names nothing and resolves to null. */
function byIdLoader<T extends ObjectLiteral & { id: string }>(
  dataSource: DataSource,
  entity: EntityTarget<T>,
): DataLoader<string, T | null> {
  return new DataLoader(async (ids) => {
    const rows = await entitiesBy(dataSource, entity, 'id', knownIds(ids));
    const map = new Map(rows.map((row) => [row.id, row]));
    return ids.map((id) => map.get(id.toLowerCase()) ?? null);
  });
}

export function createLoaders(dataSource: DataSource): Loaders {
  const coursePages = new Map<string, DataLoader<string, CourseEntity[]>>();

  return {
    atoById: byIdLoader(dataSource, AtoEntity),
    rcbById: byIdLoader(dataSource, RcbEntity),
    trainerById: byIdLoader(dataSource, TrainerEntity),
    qualificationsByCandidateId: new DataLoader(async (candidateIds) => {
      const rows = await dataSource
        .getRepository(TrainerQualificationEntity)
        .findBy({ candidateId: In([...candidateIds]) });
      return candidateIds.map((id) => rows.filter((row) => row.candidateId === id));
    }),
    coursesOfAto(first, after) {
      const key = `${first}:${after ? JSON.stringify(after) : ''}`;
      let loader = coursePages.get(key);
      if (!loader) {
        loader = new DataLoader(async (atoIds) => {
          // One statement for every ATO of the batch: a LATERAL top-N per ATO, read in index order.
          const query = dataSource
            .getRepository(CourseEntity)
            .createQueryBuilder('c')
            .where(
              `c.id IN (SELECT page.id FROM unnest(CAST(:atoIds AS uuid[])) AS owner(id) CROSS JOIN LATERAL (
                 SELECT p.id FROM course p
                 WHERE p.ato_id = owner.id ${after ? `AND (${courseOrderKey('p')}, p.id) > (CAST(:afterDate AS date), CAST(:afterId AS uuid))` : ''}
                 ORDER BY ${courseIndexOrder('p')} LIMIT :limit
               ) page)`,
              { atoIds: [...atoIds], limit: first + 1, afterDate: after?.[0], afterId: after?.[1] },
            );
          const courses = await query.getMany();
          return atoIds.map((atoId) => sortCourses(courses.filter((course) => course.atoId === atoId)));
        });
        coursePages.set(key, loader);
      }
      return loader;
    },
  };
}
