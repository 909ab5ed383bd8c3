import {
  isSchemeStaff,
  requireAuthenticated,
  requireRole,
  requireSchemeStaff,
  type Viewer,
} from '@iso20000/auth';
import { badUserInput, forbidden } from '@iso20000/service-kit';
import { registerForExam } from '../commands/register-for-exam';
import { markSitting } from '../commands/mark-sitting';
import { releaseSessionResults, releaseSittingResult } from '../commands/release-result';
import {
  decideSittingPrerequisite,
  recordSittingAttendance,
  voidSitting,
} from '../commands/sitting-decisions';
import { isAnswerOption, type AnswerOption, type AnswerSheet } from '../domain/marking';
import { SittingEntity } from '../entities/sitting.entity';
import type { MarkSittingInput, Resolvers, SittingFilter } from '../generated/graphql';
import type { ServiceContext } from '../context';
import { asClientErrors, assertCanSeeSitting, canSeeResult, parseId } from './access';
import { moneyOrNull } from './money';
import { paginate } from './pagination';
import { atoReference } from './references';
import { SITTING_ORDER } from './sitting-order';

export interface ReleaseSessionResultsModel {
  released: SittingEntity[];
}

/** Narrows a sittings filter to what the viewer may see: their own, their ATO's, or (staff) anything. */
function scopedFilter(viewer: Viewer, filter: SittingFilter | null | undefined): SittingFilter {
  requireAuthenticated(viewer);
  const scoped: SittingFilter = { ...(filter ?? {}) };
  if (viewer.role === 'scheme_staff') return scoped;
  if (viewer.role === 'candidate') {
    if (scoped.candidateId && scoped.candidateId !== viewer.candidateId)
      throw forbidden('Candidates see their own sittings only');
    return { ...scoped, candidateId: viewer.candidateId ?? '00000000-0000-0000-0000-000000000000' };
  }
  if (viewer.role === 'ato_staff') {
    if (scoped.atoId && scoped.atoId !== viewer.atoId)
      throw forbidden("ATO staff see their own ATO's candidates only");
    return { ...scoped, atoId: viewer.atoId ?? '00000000-0000-0000-0000-000000000000' };
  }
  if (viewer.role === 'analyst')
    throw forbidden('Analysts see exam statistics only (examStatistics), never individual sittings');
  throw forbidden('Only candidates, ATO staff and scheme staff see sittings');
}

function answerOption(value: string | null | undefined, where: string): AnswerOption | null {
  if (value === null || value === undefined || value === '') return null;
  const upper = value.trim().toUpperCase();
  if (!isAnswerOption(upper))
    throw badUserInput(`${where}: "${value}" is not an answer; use A, B, C or D, or null for a blank`);
  return upper;
}

function answerSheet(input: MarkSittingInput): AnswerSheet {
  if (input.answers && input.questions)
    throw badUserInput(
      'give either answers (multiple choice) or questions (complex multiple choice), not both',
    );
  if (input.answers)
    return {
      format: 'MULTIPLE_CHOICE',
      answers: input.answers.map((a, i) => answerOption(a, `answers[${i}]`)),
    };
  if (input.questions) {
    return {
      format: 'COMPLEX_MULTIPLE_CHOICE',
      questions: input.questions.map((q, i) => q.map((a, j) => answerOption(a, `questions[${i}][${j}]`))),
    };
  }
  throw badUserInput('give the answer sheet: answers (Foundation, Auditor) or questions (Practitioner)');
}

async function visibleSitting(ctx: ServiceContext, id: string): Promise<SittingEntity | null> {
  const sitting = await ctx.loaders.sitting.load(id);
  if (sitting) assertCanSeeSitting(ctx.viewer, sitting);
  return sitting;
}

export const sittingResolvers: Resolvers = {
  Query: {
    sittings: (_p, { filter, first, after }, ctx) => {
      const f = scopedFilter(ctx.viewer, filter);
      const qb = ctx.dataSource.manager.createQueryBuilder(SittingEntity, 's').where('TRUE');
      if (f.candidateId)
        qb.andWhere('s.candidateId = :candidateId', {
          candidateId: parseId(f.candidateId, 'filter.candidateId'),
        });
      if (f.atoId) qb.andWhere('s.atoId = :atoId', { atoId: parseId(f.atoId, 'filter.atoId') });
      if (f.sessionId)
        qb.andWhere('s.sessionId = :sessionId', { sessionId: parseId(f.sessionId, 'filter.sessionId') });
      if (f.examCode) qb.andWhere('s.examCode = :examCode', { examCode: f.examCode });
      if (f.state) qb.andWhere('s.state = :state', { state: f.state });
      if (f.prerequisiteStatus)
        qb.andWhere('s.prerequisiteStatus = :prerequisiteStatus', {
          prerequisiteStatus: f.prerequisiteStatus,
        });
      return paginate(qb, SITTING_ORDER, { first, after });
    },
    sitting: (_p, { id }, ctx) => visibleSitting(ctx, parseId(id, 'id')),
  },
  Mutation: {
    registerForExam: async (_p, { input }, ctx) => {
      const viewer = ctx.viewer;
      requireRole(viewer, 'candidate', 'ato_staff', 'scheme_staff');
      let candidateId: string;
      if (viewer.role === 'candidate') {
        if (!viewer.candidateId) throw forbidden('your sign-in carries no candidate id');
        if (input.candidateId && input.candidateId !== viewer.candidateId)
          throw forbidden('candidates register themselves only');
        candidateId = viewer.candidateId;
      } else {
        if (!input.candidateId)
          throw badUserInput('staff registering a candidate give the candidate id (candidateId)');
        candidateId = parseId(input.candidateId, 'candidateId');
      }
      if (input.auditExperience && !Number.isInteger(input.auditExperience.years))
        throw badUserInput('auditExperience.years is a whole number of years');
      return asClientErrors(() =>
        registerForExam(
          ctx.dataSource,
          {
            sessionId: parseId(input.sessionId, 'sessionId'),
            language: input.language.trim(),
            candidateId,
            candidateName:
              input.candidateName ?? (viewer.role === 'candidate' ? (viewer.name ?? null) : null),
            courseAtoId: input.courseAtoId ? parseId(input.courseAtoId, 'courseAtoId') : null,
            bcsFoundationCertificateNumber: input.bcsFoundationCertificateNumber ?? null,
            auditExperience: input.auditExperience ?? null,
          },
          viewer,
        ),
      );
    },
    decideSittingPrerequisite: async (_p, { input }, ctx) => {
      requireSchemeStaff(ctx.viewer);
      return asClientErrors(() =>
        decideSittingPrerequisite(
          ctx.dataSource,
          {
            sittingId: parseId(input.sittingId, 'sittingId'),
            approved: input.approved,
            note: input.note ?? null,
          },
          ctx.viewer,
        ),
      );
    },
    recordSittingAttendance: async (_p, { input }, ctx) => {
      requireRole(ctx.viewer, 'scheme_staff', 'ato_staff');
      return asClientErrors(() =>
        recordSittingAttendance(
          ctx.dataSource,
          { sittingId: parseId(input.sittingId, 'sittingId'), present: input.present },
          ctx.viewer,
        ),
      );
    },
    markSitting: async (_p, { input }, ctx) => {
      requireRole(ctx.viewer, 'scheme_staff', 'ato_staff');
      const sheet = answerSheet(input);
      return asClientErrors(() =>
        markSitting(
          ctx.dataSource,
          {
            sittingId: parseId(input.sittingId, 'sittingId'),
            formId: input.formId ? parseId(input.formId, 'formId') : null,
            sheet,
          },
          ctx.viewer,
          ctx.requestId,
        ),
      );
    },
    releaseSittingResult: async (_p, { sittingId }, ctx) => {
      requireSchemeStaff(ctx.viewer);
      return asClientErrors(() =>
        releaseSittingResult(ctx.dataSource, parseId(sittingId, 'sittingId'), ctx.viewer, ctx.requestId),
      );
    },
    releaseSessionResults: async (_p, { sessionId }, ctx) => {
      requireSchemeStaff(ctx.viewer);
      const released = await asClientErrors(() =>
        releaseSessionResults(ctx.dataSource, parseId(sessionId, 'sessionId'), ctx.viewer, ctx.requestId),
      );
      return { released };
    },
    voidSitting: async (_p, { input }, ctx) => {
      requireSchemeStaff(ctx.viewer);
      return asClientErrors(() =>
        voidSitting(
          ctx.dataSource,
          { sittingId: parseId(input.sittingId, 'sittingId'), reason: input.reason },
          ctx.viewer,
          ctx.requestId,
        ),
      );
    },
  },
  ReleaseSessionResultsPayload: {
    releasedCount: (payload) => payload.released.length,
    released: (payload) => payload.released,
  },
  Sitting: {
    __resolveReference: async (ref, ctx) => visibleSitting(ctx, ref.id),
    candidate: async (sitting, _a, ctx) => (await ctx.loaders.candidate.load(sitting.candidateId))!,
    exam: async (sitting, _a, ctx) => (await ctx.loaders.exam.load(sitting.examCode))!,
    session: async (sitting, _a, ctx) => (await ctx.loaders.session.load(sitting.sessionId))!,
    ato: (sitting) => atoReference(sitting.atoId),
    prerequisite: (sitting) => sitting,
    price: (sitting) => moneyOrNull(sitting.priceCurrency, sitting.priceAmountMinor),
    result: (sitting, _a, ctx) => (canSeeResult(ctx.viewer, sitting) ? sitting : null),
    itemResponses: (sitting, _a, ctx) =>
      isSchemeStaff(ctx.viewer) && sitting.formId ? ctx.loaders.itemResponses.load(sitting.id) : null,
    form: (sitting, _a, ctx) =>
      isSchemeStaff(ctx.viewer) && sitting.formId ? ctx.loaders.form.load(sitting.formId) : null,
    history: (sitting, _a, ctx) => ctx.loaders.history.load(sitting.id),
  },
  SittingPrerequisite: {
    status: (sitting) => sitting.prerequisiteStatus,
    decidedAt: (sitting) => sitting.prerequisiteDecidedAt,
    decisionNote: (sitting) => sitting.prerequisiteDecisionNote,
  },
  SittingResult: {
    score: (sitting) => sitting.score!,
    maxScore: (sitting) => sitting.maxScore!,
    percentage: (sitting) => sitting.percentage!,
    passed: (sitting) => sitting.passed!,
    trainerEligible: (sitting) => sitting.trainerEligible!,
  },
};
