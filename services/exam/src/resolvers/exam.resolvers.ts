import { requireSchemeStaff } from '@iso20000/auth';
import { badUserInput } from '@iso20000/service-kit';
import { percentageOf, trainerEligibilityScore, type ExamCode } from '../domain/exam-rules';
import { ExamEntity } from '../entities/exam.entity';
import { ExamFormEntity } from '../entities/exam-form.entity';
import { ExamPriceEntity } from '../entities/exam-price.entity';
import type { Resolvers } from '../generated/graphql';
import { minorUnitDigits } from './money';
import { paginate } from './pagination';

// The scheme's own progression: Foundation, then Practitioner, then Auditor.
const SCHEME_ORDER: readonly ExamCode[] = ['FOUNDATION', 'PRACTITIONER', 'AUDITOR'];
const CURRENCY = /^[A-Z]{3}$/;
const REGION = /^[A-Z][A-Z0-9_]{1,39}$/;

export const examResolvers: Resolvers = {
  Query: {
    exams: async (_p, _a, ctx) => {
      const exams = await ctx.dataSource.manager.find(ExamEntity);
      return exams.sort((a, b) => SCHEME_ORDER.indexOf(a.code) - SCHEME_ORDER.indexOf(b.code));
    },
    exam: (_p, { code }, ctx) => ctx.loaders.exam.load(code),
    examPrices: (_p, { examCode, first, after }, ctx) => {
      const qb = ctx.dataSource.manager.createQueryBuilder(ExamPriceEntity, 'p');
      if (examCode) qb.where('p.examCode = :examCode', { examCode });
      return paginate(
        qb,
        [
          { sql: '"p"."exam_code"', cast: 'text', orderBy: 'p.examCode', value: (p) => p.examCode },
          { sql: '"p"."region"', cast: 'text', orderBy: 'p.region', value: (p) => p.region },
        ],
        { first, after },
      );
    },
    examForms: (_p, { examCode, language, first, after }, ctx) => {
      // the answer keys are the scheme's most guarded data
      requireSchemeStaff(ctx.viewer);
      const qb = ctx.dataSource.manager
        .createQueryBuilder(ExamFormEntity, 'f')
        .where('f.examCode = :examCode', { examCode });
      if (language) qb.andWhere('f.language = :language', { language });
      return paginate(qb, [{ sql: '"f"."code"', cast: 'text', orderBy: 'f.code', value: (f) => f.code }], {
        first,
        after,
      });
    },
  },
  Mutation: {
    setExamPrice: async (_p, { input }, ctx) => {
      requireSchemeStaff(ctx.viewer);
      const region = input.region.trim().toUpperCase();
      const currency = input.price.currency.trim().toUpperCase();
      if (!REGION.test(region))
        throw badUserInput('region must be an upper-case code such as UK or NORTH_AMERICA');
      if (!CURRENCY.test(currency)) throw badUserInput('currency must be an ISO 4217 code such as GBP');
      if (!Number.isInteger(input.price.amountMinor) || input.price.amountMinor <= 0) {
        throw badUserInput(
          `price.amountMinor is in minor units (${minorUnitDigits(currency)} decimals for ${currency}) and must be a positive whole number`,
        );
      }
      return ctx.dataSource.transaction(async (manager) => {
        const existing = await manager.findOne(ExamPriceEntity, {
          where: { examCode: input.examCode, region },
          lock: { mode: 'pessimistic_write' },
        });
        const regionName = input.regionName?.trim() || existing?.regionName;
        if (!regionName) throw badUserInput(`${region} is a new region: give its name (regionName)`);
        const price = manager.create(ExamPriceEntity, {
          examCode: input.examCode,
          region,
          regionName,
          currency,
          amountMinor: input.price.amountMinor,
          updatedAt: new Date(),
          updatedBy: ctx.viewer.subject,
        });
        await manager.save(price);
        return price;
      });
    },
  },
  Exam: {
    __resolveReference: (ref, ctx) => ctx.loaders.exam.load(ref.code as ExamCode),
    passPercentage: (exam) => percentageOf(exam.passMark, exam.maxMarks),
    resultRelease: (exam) => exam.release,
    trainerEligibilityScore: (exam) => trainerEligibilityScore(exam),
  },
  ExamPrice: {
    exam: async (price, _a, ctx) => (await ctx.loaders.exam.load(price.examCode))!,
    price: (price) => ({ currency: price.currency, amountMinor: price.amountMinor }),
  },
  ExamForm: {
    exam: async (form, _a, ctx) => (await ctx.loaders.exam.load(form.examCode))!,
    answerKey: (form, _a, ctx) => {
      requireSchemeStaff(ctx.viewer);
      return form.answerKey;
    },
  },
  ExamAnswerKey: {
    answers: (key) => (key.format === 'MULTIPLE_CHOICE' ? key.answers : null),
    questions: (key) =>
      key.format === 'COMPLEX_MULTIPLE_CHOICE'
        ? key.questions.map((q, i) => ({
            number: i + 1,
            items: q.items.map((item) => ({ key: item.key, marks: item.marks })),
          }))
        : null,
  },
};
