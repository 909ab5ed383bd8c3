import type { ServiceContext } from '../context';
import type { CourseEntity } from '../entities/course.entity';
import {
  applyCourseDetails,
  checkCourse,
  lockCourse,
  lockPublishingAto,
  type CourseDetails,
} from './course-checks';

/** The ATO's staff change a course; the same rules apply as when it was published. */
export async function updateCourse(
  context: ServiceContext,
  courseId: string,
  details: CourseDetails,
): Promise<CourseEntity> {
  return context.dataSource.transaction(async (manager) => {
    const course = await lockCourse(context, manager, courseId);
    const ato = await lockPublishingAto(manager, course.atoId);
    await checkCourse(context, manager, ato, details);
    applyCourseDetails(course, details);
    return manager.save(course);
  });
}
