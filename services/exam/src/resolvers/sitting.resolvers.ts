import {
  decodeCursorAs,
  paginate,
  parseId,
  parseOptionalText,
  parseText,
  refuse,
} from '@iso20000/service-kit';
import {
  assertCanSeeSitting,
  authorizeInvigilation,
  authorizeRegisterForExam,
  authorizeSchemeDecision,
  canSeeResult,
  canSeeScoringDetails,
  scopeSittingFilter,
} from '../access';
import { decideSittingPrerequisite } from '../commands/decide-sitting-prerequisite';
import { markSitting } from '../commands/mark-sitting';
import { recordSittingAttendance } from '../commands/record-sitting-attendance';
import { registerForExam } from '../commands/register-for-exam';
import { releaseSessionResults } from '../commands/release-session-results';
import { releaseSittingResult } from '../commands/release-sitting-result';
import { voidSitting } from '../commands/void-sitting';
import type { ServiceContext } from '../context';
import { isAnswerOption, type AnswerOption, type AnswerSheet } from '../domain/marking';
import { SittingEntity } from '../entities/sitting.entity';
import type { MarkSittingInput, RegisterForExamInput, Resolvers } from '../generated/graphql';
import {
  CANDIDATE_NAME_LIMIT,
  CERTIFICATE_NUMBER_LIMIT,
  EVIDENCE_LIMIT,
  NOTE_LIMIT,
  parseLanguageTag,
  REASON_LIMIT,
} from './input';
import { moneyOrNull } from './money';
import { atoReference } from './references';
import { SITTING_CURSOR, SITTING_ORDER } from './sitting-order';

export interface ReleaseSessionResultsModel {
  released: SittingEntity[];
}

function answerOption(value: string | null | undefined, where: string): AnswerOption | null {
  if (value === null || value === undefined || value === '') return null;
  const upper = value.trim().toUpperCase();
  if (!isAnswerOption(upper))
    throw refuse.badInput(
      `${where}: "${value.slice(0, 20)}" is not an answer; use A, B, C or D, or null for a blank`,
      {
        field: where,
      },
    );
  return upper;
}

function answerSheet(input: MarkSittingInput): AnswerSheet {
  if (input.answers && input.questions)
    throw refuse.badInput(
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
  throw refuse.badInput('give the answer sheet: answers (Foundation, Auditor) or questions (Practitioner)');
}

/** The registration as given; who it is for is settled by authorizeRegisterForExam. */
function parseRegistration(input: RegisterForExamInput, signInName: string | null) {
  const name =
    input.candidateName === null || input.candidateName === undefined ? signInName : input.candidateName;
  if (input.auditExperience && !Number.isInteger(input.auditExperience.years))
    throw refuse.badInput('auditExperience.years is a whole number of years', {
      field: 'auditExperience.years',
    });
  return {
    sessionId: parseId(input.sessionId, 'sessionId'),
    language: parseLanguageTag(input.language, 'language'),
    candidateId: input.candidateId ? parseId(input.candidateId, 'candidateId') : null,
    // blank stays blank: a first registration without a name is refused by the command
    candidateName:
      name === null
        ? null
        : parseText(name, { field: 'candidateName', max: CANDIDATE_NAME_LIMIT, min: 0, shownPublicly: true }),
    courseAtoId: input.courseAtoId ? parseId(input.courseAtoId, 'courseAtoId') : null,
    bcsFoundationCertificateNumber: parseOptionalText(input.bcsFoundationCertificateNumber, {
      field: 'bcsFoundationCertificateNumber',
      max: CERTIFICATE_NUMBER_LIMIT,
    }),
    auditExperience: input.auditExperience
      ? {
          years: input.auditExperience.years,
          evidence: parseText(input.auditExperience.evidence, {
            field: 'auditExperience.evidence',
            max: EVIDENCE_LIMIT,
            min: 0,
            multiline: true,
          }),
        }
      : null,
  };
}

async function visibleSitting(ctx: ServiceContext, id: string): Promise<SittingEntity | null> {
  const sitting = await ctx.loaders.sitting.load(id);
  if (sitting) assertCanSeeSitting(ctx.viewer, sitting);
  return sitting;
}

export const sittingResolvers: Resolvers = {
  Query: {
    sittings: (_p, { filter, first, after }, ctx) => {
      const f = scopeSittingFilter(ctx.viewer, filter);
      decodeCursorAs(after, SITTING_CURSOR);
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
      const registration = parseRegistration(
        input,
        viewer.role === 'candidate' ? (viewer.name ?? null) : null,
      );
      const { candidateId } = authorizeRegisterForExam(viewer, registration.candidateId);
      if (!candidateId)
        throw refuse.badInput('staff registering a candidate give the candidate id (candidateId)', {
          field: 'candidateId',
        });
      return registerForExam(ctx.dataSource, ctx.atoStatusCopy, { ...registration, candidateId }, viewer);
    },
    decideSittingPrerequisite: async (_p, { input }, ctx) => {
      const decision = {
        sittingId: parseId(input.sittingId, 'sittingId'),
        approved: input.approved,
        note: parseOptionalText(input.note, { field: 'note', max: NOTE_LIMIT, multiline: true }),
      };
      authorizeSchemeDecision(ctx.viewer);
      return decideSittingPrerequisite(ctx.dataSource, decision, ctx.viewer);
    },
    recordSittingAttendance: async (_p, { input }, ctx) => {
      const sittingId = parseId(input.sittingId, 'sittingId');
      authorizeInvigilation(ctx.viewer);
      return recordSittingAttendance(ctx.dataSource, { sittingId, present: input.present }, ctx.viewer);
    },
    markSitting: async (_p, { input }, ctx) => {
      const marking = {
        sittingId: parseId(input.sittingId, 'sittingId'),
        formId: input.formId ? parseId(input.formId, 'formId') : null,
        sheet: answerSheet(input),
      };
      authorizeInvigilation(ctx.viewer);
      return markSitting(ctx.dataSource, marking, ctx.viewer, ctx.requestId);
    },
    releaseSittingResult: async (_p, args, ctx) => {
      const sittingId = parseId(args.sittingId, 'sittingId');
      authorizeSchemeDecision(ctx.viewer);
      return releaseSittingResult(ctx.dataSource, sittingId, ctx.viewer, ctx.requestId);
    },
    releaseSessionResults: async (_p, args, ctx) => {
      const sessionId = parseId(args.sessionId, 'sessionId');
      authorizeSchemeDecision(ctx.viewer);
      return { released: await releaseSessionResults(ctx.dataSource, sessionId, ctx.viewer, ctx.requestId) };
    },
    voidSitting: async (_p, { input }, ctx) => {
      const voiding = {
        sittingId: parseId(input.sittingId, 'sittingId'),
        // blank is refused by the command, which says why a reason is needed
        reason: parseText(input.reason, { field: 'reason', max: REASON_LIMIT, min: 0, multiline: true }),
      };
      authorizeSchemeDecision(ctx.viewer);
      return voidSitting(ctx.dataSource, voiding, ctx.viewer, ctx.requestId);
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
      canSeeScoringDetails(ctx.viewer) && sitting.formId ? ctx.loaders.itemResponses.load(sitting.id) : null,
    form: (sitting, _a, ctx) =>
      canSeeScoringDetails(ctx.viewer) && sitting.formId ? ctx.loaders.form.load(sitting.formId) : null,
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
