import type { ServiceContext } from '../context';
import type { CourseEntity } from '../entities/course.entity';
import { checkTrainer, lockCourse } from './course-checks';

/** Assign the trainer who delivers a course (eligible for its level), or with null unassign them. */
export async function assignCourseTrainer(
  context: ServiceContext,
  courseId: string,
  trainerId: string | null,
): Promise<CourseEntity> {
  return context.dataSource.transaction(async (manager) => {
    const course = await lockCourse(context, manager, courseId);
    if (trainerId) await checkTrainer(context, manager, course.atoId, trainerId, course.examCode);
    course.trainerId = trainerId;
    return manager.save(course);
  });
}
