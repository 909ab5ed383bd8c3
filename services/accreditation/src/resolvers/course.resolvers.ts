import { randomUUID } from 'node:crypto';
import { requireAtoAccess } from '@iso20000/auth';
import { badUserInput, conflict, notFound } from '@iso20000/service-kit';
import type { EntityManager } from 'typeorm';
import { requireOwnAto } from '../access';
import type { ServiceContext } from '../context';
import { courseViolations } from '../domain/course-rules';
import { AtoEntity } from '../entities/ato.entity';
import { CourseEntity } from '../entities/course.entity';
import { TrainerEntity } from '../entities/trainer.entity';
import type { CourseInput, Resolvers } from '../generated/graphql';
import { eligibilityFor } from '../operations/trainer-eligibility';
import { lockedRow } from '../operations/row-lock';
import { courseInput, parseInput, uuid } from '../validation';

type ValidCourse = ReturnType<typeof courseInput.parse>;

/** The ATO a course is published for: it must exist, be accredited, and be accredited for the exam level. */
async function lockPublishingAto(manager: EntityManager, atoId: string): Promise<AtoEntity> {
  const ato = await manager
    .getRepository(AtoEntity)
    .findOne({ where: { id: atoId }, lock: { mode: 'pessimistic_read' } });
  if (!ato) throw notFound(`No ATO with id ${atoId}`);
  if (ato.status !== 'ACCREDITED')
    throw conflict(`Only an accredited ATO may publish courses; this one is ${ato.status}`);
  return ato;
}

async function checkCourse(
  context: ServiceContext,
  manager: EntityManager,
  ato: AtoEntity,
  course: ValidCourse,
): Promise<void> {
  if (!ato.examLevels.includes(course.examCode)) {
    throw badUserInput(
      `This ATO is accredited for ${ato.examLevels.join(', ')} only, not ${course.examCode}`,
      { field: 'input.examCode' },
    );
  }
  const exam = (await context.loaders.examReference()).get(course.examCode);
  if (!exam) throw new Error(`exam reference data has no ${course.examCode}`);
  const [violation] = courseViolations(course, exam);
  if (violation) throw badUserInput(violation.message, { field: `input.${violation.field}` });
  if (course.trainerId) await checkTrainer(context, manager, ato.id, course.trainerId, course.examCode);
}

async function checkTrainer(
  context: ServiceContext,
  manager: EntityManager,
  atoId: string,
  trainerId: string,
  examCode: ValidCourse['examCode'],
): Promise<void> {
  const trainer = await manager.getRepository(TrainerEntity).findOneBy({ id: trainerId });
  if (!trainer || trainer.atoId !== atoId)
    throw badUserInput(`No trainer ${trainerId} at this ATO; add the trainer first`, { field: 'trainerId' });
  const eligibility = await eligibilityFor(context, trainer, examCode);
  if (!eligibility.eligible) {
    throw badUserInput(`${trainer.name} may not deliver a ${examCode} course: ${eligibility.reason}`, {
      field: 'trainerId',
    });
  }
}

async function lockCourse(
  context: ServiceContext,
  manager: EntityManager,
  courseId: string,
): Promise<CourseEntity> {
  const id = parseInput(uuid, courseId, 'courseId');
  const course = await lockedRow(manager, CourseEntity, id, 'course');
  requireAtoAccess(context.viewer, course.atoId);
  return course;
}

function apply(course: CourseEntity, input: ValidCourse): void {
  course.examCode = input.examCode;
  course.language = input.language;
  course.country = input.country;
  course.deliveryMode = input.deliveryMode;
  course.startsOn = input.startsOn;
  course.endsOn = input.endsOn;
  course.examIncluded = input.examIncluded;
  course.trainerId = input.trainerId;
}

function parseCourse(input: CourseInput): ValidCourse {
  return parseInput(courseInput, input);
}

export const courseResolvers: Resolvers = {
  Mutation: {
    async createCourse(_parent, { atoId, input }, context) {
      requireAtoAccess(context.viewer, atoId);
      const valid = parseCourse(input);
      return context.dataSource.transaction(async (manager) => {
        const ato = await lockPublishingAto(manager, atoId);
        await checkCourse(context, manager, ato, valid);
        const course = manager.create(CourseEntity, { id: randomUUID(), atoId, createdAt: new Date() });
        apply(course, valid);
        await manager.insert(CourseEntity, course);
        return course;
      });
    },
    async updateCourse(_parent, { courseId, input }, context) {
      const valid = parseCourse(input);
      return context.dataSource.transaction(async (manager) => {
        const course = await lockCourse(context, manager, courseId);
        const ato = await lockPublishingAto(manager, course.atoId);
        await checkCourse(context, manager, ato, valid);
        apply(course, valid);
        return manager.save(course);
      });
    },
    async removeCourse(_parent, { courseId }, context) {
      return context.dataSource.transaction(async (manager) => {
        const course = await lockCourse(context, manager, courseId);
        await manager.delete(CourseEntity, { id: course.id });
        return course;
      });
    },
    async assignCourseTrainer(_parent, { courseId, trainerId }, context) {
      return context.dataSource.transaction(async (manager) => {
        const course = await lockCourse(context, manager, courseId);
        if (trainerId)
          await checkTrainer(
            context,
            manager,
            course.atoId,
            parseInput(uuid, trainerId, 'trainerId'),
            course.examCode,
          );
        course.trainerId = trainerId ?? null;
        return manager.save(course);
      });
    },
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
