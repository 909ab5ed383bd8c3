import { parseId } from '@iso20000/service-kit';
import { requireAtoAccess, requireOwnAto } from '../access';
import { assignCourseTrainer } from '../commands/assign-course-trainer';
import { createCourse } from '../commands/create-course';
import { removeCourse } from '../commands/remove-course';
import { updateCourse } from '../commands/update-course';
import type { Resolvers } from '../generated/graphql';
import { parseCourse } from './input';

// Who may change an existing course depends on its ATO: those commands check it once the row is locked.
export const courseResolvers: Resolvers = {
  Mutation: {
    createCourse(_parent, { atoId, input }, context) {
      const id = parseId(atoId, 'atoId');
      requireAtoAccess(context.viewer, id);
      return createCourse(context, id, parseCourse(input));
    },
    updateCourse: (_parent, { courseId, input }, context) =>
      updateCourse(context, parseId(courseId, 'courseId'), parseCourse(input)),
    removeCourse: (_parent, { courseId }, context) => removeCourse(context, parseId(courseId, 'courseId')),
    assignCourseTrainer: (_parent, { courseId, trainerId }, context) =>
      assignCourseTrainer(
        context,
        parseId(courseId, 'courseId'),
        trainerId ? parseId(trainerId, 'trainerId') : null,
      ),
  },
  Course: {
    async ato(course, _args, context) {
      const ato = await context.loaders.atoById.load(course.atoId);
      if (!ato) throw new Error(`course ${course.id} has no ATO`);
      return ato;
    },
    async trainer(course, _args, context) {
      if (!course.trainerId) return null;
      requireOwnAto(context.viewer, course.atoId, 'trainers');
      return context.loaders.trainerById.load(course.trainerId);
    },
  },
};
