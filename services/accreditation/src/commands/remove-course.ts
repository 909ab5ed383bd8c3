import type { ServiceContext } from '../context';
import { CourseEntity } from '../entities/course.entity';
import { lockCourse } from './course-checks';

/** The ATO's staff take a course off their offer. */
export async function removeCourse(context: ServiceContext, courseId: string): Promise<CourseEntity> {
  return context.dataSource.transaction(async (manager) => {
    const course = await lockCourse(context, manager, courseId);
    await manager.delete(CourseEntity, { id: course.id });
    return course;
  });
}
