import { randomUUID } from 'node:crypto';
import type { ServiceContext } from '../context';
import { CourseEntity } from '../entities/course.entity';
import { applyCourseDetails, checkCourse, lockPublishingAto, type CourseDetails } from './course-checks';

/** An accredited ATO publishes a course of a level it is accredited for. */
export async function createCourse(
  context: ServiceContext,
  atoId: string,
  details: CourseDetails,
): Promise<CourseEntity> {
  return context.dataSource.transaction(async (manager) => {
    const ato = await lockPublishingAto(manager, atoId);
    await checkCourse(context, manager, ato, details);
    const course = manager.create(CourseEntity, { id: randomUUID(), atoId, createdAt: new Date() });
    applyCourseDetails(course, details);
    await manager.insert(CourseEntity, course);
    return course;
  });
}
