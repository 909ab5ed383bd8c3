import { randomUUID } from 'node:crypto';
import { requireRole } from '@iso20000/auth';
import { badUserInput, conflict, forbidden } from '@iso20000/service-kit';
import { offersLanguage } from '../domain/exam-rules';
import { AtoStatusEntity } from '../entities/ato-status.entity';
import { ExamPriceEntity } from '../entities/exam-price.entity';
import { ExamSessionEntity } from '../entities/exam-session.entity';
import { ExamEntity } from '../entities/exam.entity';
import { SittingEntity } from '../entities/sitting.entity';
import type { Resolvers } from '../generated/graphql';
import { parseId } from './access';
import { moneyOrNull } from './money';
import { paginate, type KeysetColumn } from './pagination';
import { atoReference } from './references';
import { SITTING_ORDER } from './sitting-order';

const COUNTRY = /^[A-Z]{2}$/;
const SESSION_ORDER: KeysetColumn<ExamSessionEntity>[] = [
  {
    sql: '"x"."starts_at"',
    cast: 'timestamptz',
    orderBy: 'x.startsAt',
    value: (s) => s.startsAt.toISOString(),
  },
  { sql: '"x"."id"', cast: 'uuid', orderBy: 'x.id', value: (s) => s.id },
];

export const examSessionResolvers: Resolvers = {
  Query: {
    examSessions: (_p, { filter, first, after }, ctx) => {
      const qb = ctx.dataSource.manager.createQueryBuilder(ExamSessionEntity, 'x').where('TRUE');
      if (filter?.examCode) qb.andWhere('x.examCode = :examCode', { examCode: filter.examCode });
      if (filter?.atoId) qb.andWhere('x.atoId = :atoId', { atoId: parseId(filter.atoId, 'filter.atoId') });
      if (filter?.kind) qb.andWhere('x.kind = :kind', { kind: filter.kind });
      if (filter?.from) qb.andWhere('x.startsAt >= :from', { from: filter.from });
      return paginate(qb, SESSION_ORDER, { first, after });
    },
    examSession: (_p, { id }, ctx) => ctx.loaders.session.load(parseId(id, 'id')),
  },
  Mutation: {
    scheduleExamSession: async (_p, { input }, ctx) => {
      const viewer = ctx.viewer;
      requireRole(viewer, 'scheme_staff', 'ato_staff');
      const venue = input.venue.trim();
      const country = input.country.trim().toUpperCase();
      const languages = [...new Set(input.languages.map((l) => l.trim()))];
      if (!venue) throw badUserInput('give the venue (venue)');
      if (!COUNTRY.test(country)) throw badUserInput('country must be an ISO 3166-1 alpha-2 code such as GB');
      if (!Number.isInteger(input.capacity) || input.capacity < 1 || input.capacity > 10_000)
        throw badUserInput('capacity must be a whole number of seats between 1 and 10000');
      const startsAt = new Date(input.startsAt);
      if (startsAt.getTime() <= Date.now())
        throw badUserInput('a session is scheduled in the future (startsAt)');
      if (languages.length === 0)
        throw badUserInput('name at least one language papers are available in (languages)');

      return ctx.dataSource.transaction(async (manager) => {
        const exam = await manager.findOneByOrFail(ExamEntity, { code: input.examCode });
        const unoffered = languages.filter((l) => !offersLanguage(exam, l));
        if (unoffered.length) {
          throw badUserInput(
            `${exam.code} is not offered in ${unoffered.join(', ')}; choose from ${exam.languages.map((l) => l.tag).join(', ')}`,
          );
        }
        let atoId: string | null = null;
        let region: string | null = null;
        let price: { currency: string; amountMinor: number } | null = null;
        if (input.kind === 'ATO_COURSE') {
          if (!input.atoId) throw badUserInput('an ATO course session names its ATO (atoId)');
          atoId = parseId(input.atoId, 'atoId');
          if (viewer.role === 'ato_staff' && viewer.atoId !== atoId)
            throw forbidden('ATO staff schedule sessions for their own ATO only');
          if (input.price || input.region)
            throw badUserInput('an ATO course includes the exam fee: leave region and price empty');
          const ato = await manager.findOneBy(AtoStatusEntity, { atoId });
          if (ato?.status !== 'ACCREDITED')
            throw conflict(
              `ATO ${atoId} is not accredited (${(ato?.status ?? 'unknown').toLowerCase()}); only accredited ATOs run exam sessions`,
            );
        } else {
          if (viewer.role !== 'scheme_staff')
            throw forbidden('public sessions are run by the scheme owner: scheme staff only');
          if (input.atoId) throw badUserInput('a public session belongs to no ATO: leave atoId empty');
          if (!input.region)
            throw badUserInput('a public session needs its price region (region), see examPrices');
          region = input.region.trim().toUpperCase();
          const regional = await manager.findOneBy(ExamPriceEntity, { examCode: exam.code, region });
          if (!regional)
            throw badUserInput(
              `no ${exam.code} price for region ${region}; set one with setExamPrice or choose a priced region`,
            );
          price = input.price
            ? { currency: input.price.currency.trim().toUpperCase(), amountMinor: input.price.amountMinor }
            : { currency: regional.currency, amountMinor: regional.amountMinor };
          if (
            !/^[A-Z]{3}$/.test(price.currency) ||
            !Number.isInteger(price.amountMinor) ||
            price.amountMinor <= 0
          ) {
            throw badUserInput('price needs an ISO 4217 currency and a positive amount in minor units');
          }
        }
        const session = manager.create(ExamSessionEntity, {
          id: randomUUID(),
          kind: input.kind,
          examCode: exam.code,
          atoId,
          venue,
          country,
          region,
          startsAt,
          languages,
          capacity: input.capacity,
          priceAmountMinor: price?.amountMinor ?? null,
          priceCurrency: price?.currency ?? null,
          createdAt: new Date(),
          createdBy: viewer.subject ?? viewer.role,
        });
        await manager.insert(ExamSessionEntity, session);
        return session;
      });
    },
  },
  ExamSession: {
    __resolveReference: (ref, ctx) => ctx.loaders.session.load(ref.id),
    exam: async (session, _a, ctx) => (await ctx.loaders.exam.load(session.examCode))!,
    ato: (session) => atoReference(session.atoId),
    price: (session) => moneyOrNull(session.priceCurrency, session.priceAmountMinor),
    seatsTaken: (session, _a, ctx) => ctx.loaders.seatsTaken.load(session.id),
    sittings: (session, { first, after }, ctx) => {
      const viewer = ctx.viewer;
      requireRole(viewer, 'scheme_staff', 'ato_staff');
      if (viewer.role === 'ato_staff' && (session.atoId === null || viewer.atoId !== session.atoId)) {
        throw forbidden("ATO staff see their own sessions' sittings only");
      }
      const qb = ctx.dataSource.manager
        .createQueryBuilder(SittingEntity, 's')
        .where('s.sessionId = :sessionId', { sessionId: session.id });
      return paginate(qb, SITTING_ORDER, { first, after });
    },
  },
};
