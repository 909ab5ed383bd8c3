import DataLoader from 'dataloader';
import { In, type DataSource } from 'typeorm';
import type { ExamOffering } from './domain/course-rules';
import type { ExamCode, ExamLevelRule } from './domain/trainer-eligibility';
import { AtoEntity } from './entities/ato.entity';
import { CourseEntity } from './entities/course.entity';
import { ExamLanguageEntity, ExamLevelEntity } from './entities/exam-level.entity';
import { RcbEntity } from './entities/rcb.entity';
import { TrainerQualificationEntity } from './entities/trainer-qualification.entity';
import { TrainerEntity } from './entities/trainer.entity';
import { courseIndexOrder, courseOrderKey, type CourseCursor } from './pagination';

export type ExamReference = ExamLevelRule & ExamOffering;

/** Per-request loaders: every reference is one SQL statement per batch, never one per row. */
export interface Loaders {
  atoById: DataLoader<string, AtoEntity | null>;
  rcbById: DataLoader<string, RcbEntity | null>;
  trainerById: DataLoader<string, TrainerEntity | null>;
  qualificationsByCandidateId: DataLoader<string, TrainerQualificationEntity[]>;
  /** An ATO's courses, one page per ATO, for a given page size and cursor (one statement for all ATOs). */
  coursesOfAto(first: number, after: CourseCursor | null): DataLoader<string, CourseEntity[]>;
  /** The exam reference data (levels and their languages), read once per request. */
  examReference(): Promise<Map<ExamCode, ExamReference>>;
}

function byId<T extends { id: string }>(ids: readonly string[], rows: T[]): (T | null)[] {
  const map = new Map(rows.map((row) => [row.id, row]));
  return ids.map((id) => map.get(id) ?? null);
}

export function createLoaders(dataSource: DataSource): Loaders {
  const coursePages = new Map<string, DataLoader<string, CourseEntity[]>>();
  let examReference: Promise<Map<ExamCode, ExamReference>> | undefined;

  return {
    atoById: new DataLoader(async (ids) =>
      byId(ids, await dataSource.getRepository(AtoEntity).findBy({ id: In([...ids]) })),
    ),
    rcbById: new DataLoader(async (ids) =>
      byId(ids, await dataSource.getRepository(RcbEntity).findBy({ id: In([...ids]) })),
    ),
    trainerById: new DataLoader(async (ids) =>
      byId(ids, await dataSource.getRepository(TrainerEntity).findBy({ id: In([...ids]) })),
    ),
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
    examReference() {
      examReference ??= (async () => {
        const [levels, languages] = await Promise.all([
          dataSource.getRepository(ExamLevelEntity).find({ order: { sortOrder: 'ASC' } }),
          dataSource.getRepository(ExamLanguageEntity).find({ order: { examCode: 'ASC', language: 'ASC' } }),
        ]);
        return new Map(
          levels.map((level) => [
            level.code,
            {
              code: level.code,
              name: level.name,
              selfStudyAllowed: level.selfStudyAllowed,
              trainerEligibilityPercentage: level.trainerEligibilityPercentage,
              languages: languages.filter((l) => l.examCode === level.code).map((l) => l.language),
            },
          ]),
        );
      })();
      return examReference;
    },
  };
}

/** Courses in the order the API lists them: by start date (undated self-study last), then id. */
export function sortCourses(courses: CourseEntity[]): CourseEntity[] {
  const key = (course: CourseEntity) => course.startsOn ?? '9999-12-31';
  return [...courses].sort((a, b) => key(a).localeCompare(key(b)) || a.id.localeCompare(b.id));
}
