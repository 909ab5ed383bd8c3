import { paginate, parseOptionalText } from '@iso20000/service-kit';
import { authorizeExamForms, authorizeSetExamPrice } from '../access';
import { setExamPrice } from '../commands/set-exam-price';
import { EXAM_CODES } from '@iso20000/scheme';
import { percentageOf, trainerEligibilityScore, type ExamCode } from '../domain/exam-rules';
import { ExamEntity } from '../entities/exam.entity';
import { ExamFormEntity } from '../entities/exam-form.entity';
import { ExamPriceEntity } from '../entities/exam-price.entity';
import type { Resolvers } from '../generated/graphql';
import { parseLanguageTag, parseMoney, parseRegion, REGION_NAME_LIMIT } from './input';

export const examResolvers: Resolvers = {
  Query: {
    exams: async (_p, _a, ctx) => {
      const exams = await ctx.dataSource.manager.find(ExamEntity);
      // in the scheme's own progression: Foundation, then Practitioner, then Auditor
      return exams.sort((a, b) => EXAM_CODES.indexOf(a.code) - EXAM_CODES.indexOf(b.code));
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
    examForms: (_p, args, ctx) => {
      const language = args.language ? parseLanguageTag(args.language, 'language') : null;
      authorizeExamForms(ctx.viewer);
      const qb = ctx.dataSource.manager
        .createQueryBuilder(ExamFormEntity, 'f')
        .where('f.examCode = :examCode', { examCode: args.examCode });
      if (language) qb.andWhere('f.language = :language', { language });
      return paginate(
        qb,
        [{ sql: '"f"."code"', cast: 'text', orderBy: 'f.code', value: (f) => f.code }],
        args,
      );
    },
  },
  Mutation: {
    setExamPrice: async (_p, { input }, ctx) => {
      const region = parseRegion(input.region, 'region');
      const price = parseMoney(input.price, 'price');
      const regionName = parseOptionalText(input.regionName, { field: 'regionName', max: REGION_NAME_LIMIT });
      authorizeSetExamPrice(ctx.viewer);
      return setExamPrice(
        ctx.dataSource,
        { examCode: input.examCode, region, regionName, ...price },
        ctx.viewer,
      );
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
      authorizeExamForms(ctx.viewer);
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
