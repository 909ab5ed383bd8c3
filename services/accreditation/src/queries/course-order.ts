import type { CourseEntity } from '../entities/course.entity';

// Courses are listed by start date, undated self-study last, then id.

const UNDATED = '9999-12-31';

export const COURSE_CURSOR = ['date', 'uuid'] as const;
export type CourseCursor = [startsOn: string, id: string];

export function courseKey(course: { startsOn: string | null; id: string }): CourseCursor {
  return [course.startsOn ?? UNDATED, course.id];
}

export function courseOrderKey(alias: string): string {
  return `COALESCE(${alias}.starts_on, DATE '${UNDATED}')`;
}

/** The same order as courseOrderKey, written so the (ato_id, starts_on, id) index yields it without sorting. */
export function courseIndexOrder(alias: string): string {
  return `${alias}.starts_on ASC NULLS LAST, ${alias}.id ASC`;
}

export function sortCourses(courses: CourseEntity[]): CourseEntity[] {
  const key = (course: CourseEntity) => course.startsOn ?? UNDATED;
  return [...courses].sort((a, b) => key(a).localeCompare(key(b)) || a.id.localeCompare(b.id));
}
