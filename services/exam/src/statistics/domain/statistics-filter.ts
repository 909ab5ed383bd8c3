import { EXAM_CODES, type ExamCode } from '@iso20000/scheme';
import { isCountryCode } from '@iso20000/service-kit';
import { z } from 'zod';
import { SESSION_KINDS, type StatisticsSessionKind } from '../released-result/released-result-fact';

export const DIMENSIONS = [
  'EXAM',
  'LANGUAGE',
  'COUNTRY',
  'ATO',
  'SESSION_KIND',
  'FORM',
  'MONTH',
  'QUARTER',
  'YEAR',
] as const;
export type StatisticsDimension = (typeof DIMENSIONS)[number];

/** A validated filter: months as first days ('YYYY-MM-01'), lists non-empty or absent. */
export interface StatisticsFilter {
  exams?: ExamCode[];
  languages?: string[];
  countries?: string[];
  atoIds?: string[];
  sessionKinds?: StatisticsSessionKind[];
  formIds?: string[];
  fromMonth?: string;
  toMonth?: string;
}

const list = <T extends z.ZodType>(item: T) =>
  z.array(item).min(1, 'give at least one value or leave the list out').max(1000).nullish();
const month = z
  .string()
  .regex(/^\d{4}-(0[1-9]|1[0-2])$/, 'months are YYYY-MM')
  .nullish();

const statisticsFilterSchema = z
  .object({
    exams: list(z.enum(EXAM_CODES)),
    languages: list(z.string().min(1).max(20)),
    countries: list(
      z
        .string()
        .refine(
          isCountryCode,
          'countries are ISO 3166-1 alpha-2 codes of existing countries, in capitals, e.g. DE',
        ),
    ),
    atoIds: list(z.string().min(1).max(100)),
    sessionKinds: list(z.enum(SESSION_KINDS)),
    formIds: list(z.string().min(1).max(100)),
    fromMonth: month,
    toMonth: month,
  })
  .refine((f) => !f.fromMonth || !f.toMonth || f.fromMonth <= f.toMonth, {
    message: 'fromMonth must not be after toMonth',
    path: ['toMonth'],
  });

export function parseStatisticsFilter(input: unknown): { filter: StatisticsFilter } | { error: string } {
  const parsed = statisticsFilterSchema.safeParse(input ?? {});
  if (!parsed.success) {
    return { error: parsed.error.issues.map((i) => `filter.${i.path.join('.')}: ${i.message}`).join('; ') };
  }
  const f = parsed.data;
  const filter: StatisticsFilter = {};
  if (f.exams) filter.exams = [...new Set(f.exams)];
  if (f.languages) filter.languages = [...new Set(f.languages)];
  if (f.countries) filter.countries = [...new Set(f.countries)];
  if (f.atoIds) filter.atoIds = [...new Set(f.atoIds)];
  if (f.sessionKinds) filter.sessionKinds = [...new Set(f.sessionKinds)];
  if (f.formIds) filter.formIds = [...new Set(f.formIds)];
  if (f.fromMonth) filter.fromMonth = `${f.fromMonth}-01`;
  if (f.toMonth) filter.toMonth = `${f.toMonth}-01`;
  return { filter };
}

export function parseDimensions(
  input: ReadonlyArray<string> | null | undefined,
): { dimensions: StatisticsDimension[] } | { error: string } {
  const dims = input ?? [];
  if (new Set(dims).size !== dims.length) return { error: 'groupBy: name each dimension once' };
  if (dims.length > 4) return { error: 'groupBy: at most 4 dimensions' };
  const unknown = dims.find((d) => !(DIMENSIONS as readonly string[]).includes(d));
  if (unknown) return { error: `groupBy: unknown dimension ${unknown}` };
  return { dimensions: dims as StatisticsDimension[] };
}
