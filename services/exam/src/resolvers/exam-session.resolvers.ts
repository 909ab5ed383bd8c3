import {
  decodeCursorAs,
  paginate,
  parseCountryCode,
  parseId,
  parseText,
  refuse,
  type CursorPart,
  type KeysetColumn,
} from '@iso20000/service-kit';
import { assertCanSeeSessionSittings, authorizeScheduleExamSession } from '../access';
import { scheduleExamSession, type ScheduleExamSessionCommand } from '../commands/schedule-exam-session';
import { ExamSessionEntity } from '../entities/exam-session.entity';
import { SittingEntity } from '../entities/sitting.entity';
import type { ScheduleExamSessionInput, Resolvers } from '../generated/graphql';
import { parseLanguageTag, parseMoney, parseRegion, VENUE_LIMIT } from './input';
import { moneyOrNull } from './money';
import { atoReference } from './references';
import { SITTING_CURSOR, SITTING_ORDER } from './sitting-order';

const SESSION_ORDER: KeysetColumn<ExamSessionEntity>[] = [
  {
    sql: '"x"."starts_at"',
    cast: 'timestamptz',
    orderBy: 'x.startsAt',
    value: (s) => s.startsAt.toISOString(),
  },
  { sql: '"x"."id"', cast: 'uuid', orderBy: 'x.id', value: (s) => s.id },
];
const SESSION_CURSOR: readonly CursorPart[] = ['instant', 'uuid'];

const MAX_CAPACITY = 10_000;

/** Everything about a session request that can be checked without the database. */
function parseSchedule(input: ScheduleExamSessionInput): ScheduleExamSessionCommand {
  const venue = parseText(input.venue, { field: 'venue', max: VENUE_LIMIT });
  const country = parseCountryCode(input.country, 'country');
  const languages = [...new Set(input.languages.map((l, i) => parseLanguageTag(l, `languages[${i}]`)))];
  if (!Number.isInteger(input.capacity) || input.capacity < 1 || input.capacity > MAX_CAPACITY)
    throw refuse.badInput(`capacity must be a whole number of seats between 1 and ${MAX_CAPACITY}`, {
      field: 'capacity',
    });
  const startsAt = new Date(input.startsAt);
  if (startsAt.getTime() <= Date.now())
    throw refuse.badInput('a session is scheduled in the future (startsAt)', { field: 'startsAt' });
  if (languages.length === 0)
    throw refuse.badInput('name at least one language papers are available in (languages)', {
      field: 'languages',
    });
  const common = { kind: input.kind, examCode: input.examCode, venue, country, startsAt, languages };
  if (input.kind === 'ATO_COURSE') {
    if (!input.atoId)
      throw refuse.badInput('an ATO course session names its ATO (atoId)', { field: 'atoId' });
    const atoId = parseId(input.atoId, 'atoId');
    if (input.price || input.region)
      throw refuse.badInput('an ATO course includes the exam fee: leave region and price empty');
    return { ...common, atoId, region: null, price: null, capacity: input.capacity };
  }
  if (input.atoId)
    throw refuse.badInput('a public session belongs to no ATO: leave atoId empty', { field: 'atoId' });
  if (!input.region)
    throw refuse.badInput('a public session needs its price region (region), see examPrices', {
      field: 'region',
    });
  return {
    ...common,
    atoId: null,
    region: parseRegion(input.region, 'region'),
    price: input.price ? parseMoney(input.price, 'price') : null,
    capacity: input.capacity,
  };
}

export const examSessionResolvers: Resolvers = {
  Query: {
    examSessions: (_p, { filter, first, after }, ctx) => {
      const qb = ctx.dataSource.manager.createQueryBuilder(ExamSessionEntity, 'x').where('TRUE');
      if (filter?.examCode) qb.andWhere('x.examCode = :examCode', { examCode: filter.examCode });
      if (filter?.atoId) qb.andWhere('x.atoId = :atoId', { atoId: parseId(filter.atoId, 'filter.atoId') });
      if (filter?.kind) qb.andWhere('x.kind = :kind', { kind: filter.kind });
      if (filter?.from) qb.andWhere('x.startsAt >= :from', { from: filter.from });
      decodeCursorAs(after, SESSION_CURSOR);
      return paginate(qb, SESSION_ORDER, { first, after });
    },
    examSession: (_p, { id }, ctx) => ctx.loaders.session.load(parseId(id, 'id')),
  },
  Mutation: {
    scheduleExamSession: async (_p, { input }, ctx) => {
      const session = parseSchedule(input);
      authorizeScheduleExamSession(ctx.viewer, session.kind, session.atoId);
      return scheduleExamSession(ctx.dataSource, session, ctx.viewer);
    },
  },
  ExamSession: {
    __resolveReference: (ref, ctx) => ctx.loaders.session.load(ref.id),
    exam: async (session, _a, ctx) => (await ctx.loaders.exam.load(session.examCode))!,
    ato: (session) => atoReference(session.atoId),
    price: (session) => moneyOrNull(session.priceCurrency, session.priceAmountMinor),
    seatsTaken: (session, _a, ctx) => ctx.loaders.seatsTaken.load(session.id),
    sittings: (session, { first, after }, ctx) => {
      assertCanSeeSessionSittings(ctx.viewer, session);
      decodeCursorAs(after, SITTING_CURSOR);
      const qb = ctx.dataSource.manager
        .createQueryBuilder(SittingEntity, 's')
        .where('s.sessionId = :sessionId', { sessionId: session.id });
      return paginate(qb, SITTING_ORDER, { first, after });
    },
  },
};
