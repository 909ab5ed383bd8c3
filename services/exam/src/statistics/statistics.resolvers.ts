import type { Viewer } from '@iso20000/auth';
import { Kind, type GraphQLResolveInfo, type SelectionNode } from 'graphql';
import type { DataSource } from 'typeorm';
import {
  clampPageSize,
  decodeCursor,
  encodeCursor,
  isCountryCode,
  parseId,
  refuse,
} from '@iso20000/service-kit';
import { EXAM_CODES } from '@iso20000/scheme';
import { buildDifAnalysis } from './dif.models';
import { passMarkPrecision } from './pass-mark-precision.models';
import { atoItemDrift, atoPassRateFunnel } from './ato-integrity.models';
import { parseDimensions, parseStatisticsFilter, type StatisticsFilter } from './domain/statistics-filter';
import { queryDifStrata, type DifGrouping } from './queries/dif-strata.query';
import { SESSION_KINDS, type StatisticsSessionKind } from './released-result/released-result-fact';
import { ALL_SUM_COLUMNS, type SumColumns } from './queries/exam-statistics.query';
import { queryItemAnalysis } from './queries/item-analysis.query';
import { authorizeStatistics } from '../access';
import { statisticsMinGroupSize } from '../config';
import type { ExamStatisticsFilter, Resolvers } from '../generated/graphql';
import { buildItemAnalysis, ExamStatisticsResultModel } from './statistics.models';

/** What the statistics resolvers need from the exam subgraph's context (ServiceContext has both). */
export interface StatisticsContext {
  viewer: Viewer;
  dataSource: DataSource;
}

/** The statistics types' resolvers, typed by the exam subgraph's generated resolver types (codegen mappers name the models). */
export type StatisticsResolvers = Required<
  Pick<
    Resolvers<StatisticsContext>,
    'Query' | 'ExamStatisticsResult' | 'ExamStatisticsGroup' | 'AtoPassRateFunnel'
  >
>;

/** Ids are the API's (uuids): a malformed one is refused naming it, as everywhere else. */
function withParsedIds(
  input: ExamStatisticsFilter | null | undefined,
): ExamStatisticsFilter | null | undefined {
  if (!input) return input;
  const ids = (list: string[] | null | undefined, field: string) =>
    list ? list.map((value, i) => parseId(value, `filter.${field}[${i}]`)) : list;
  return { ...input, atoIds: ids(input.atoIds, 'atoIds'), formIds: ids(input.formIds, 'formIds') };
}

function validFilter(input: ExamStatisticsFilter | null | undefined): StatisticsFilter {
  const parsed = parseStatisticsFilter(withParsedIds(input));
  if ('error' in parsed) throw refuse.badInput(parsed.error);
  return parsed.filter;
}

const MAX_GROUPS_PAGE = 1000;

/** The position after a cursor this API issued (a list position), 0 without one. */
function offsetAfter(after: string | null | undefined): number {
  if (!after) return 0;
  const [position] = decodeCursor(after);
  if (typeof position !== 'number' || !Number.isInteger(position) || position < 0) {
    throw refuse.badInput(
      'The `after` cursor is not one this API issued; pass endCursor from a previous page.',
    );
  }
  return position + 1;
}

/** Every field name selected under the examStatistics field (through fragments too); structure is ignored. */
function selectedFieldNames(info: GraphQLResolveInfo): Set<string> {
  const names = new Set<string>();
  const visit = (selections: readonly SelectionNode[], seen: Set<string>): void => {
    for (const selection of selections) {
      if (selection.kind === Kind.FIELD) {
        names.add(selection.name.value);
        if (selection.selectionSet) visit(selection.selectionSet.selections, seen);
      } else if (selection.kind === Kind.INLINE_FRAGMENT) {
        visit(selection.selectionSet.selections, seen);
      } else if (!seen.has(selection.name.value)) {
        seen.add(selection.name.value);
        const fragment = info.fragments[selection.name.value];
        if (fragment) visit(fragment.selectionSet.selections, seen);
      }
    }
  };
  for (const node of info.fieldNodes) if (node.selectionSet) visit(node.selectionSet.selections, new Set());
  return names;
}

/**
 * The sums the selected fields need; the CSV needs all. A field name anywhere below counts, so
 * this can only read more than needed, never less (a getter would throw rather than guess).
 */
function sumColumnsFor(info: GraphQLResolveInfo): SumColumns {
  const fields = selectedFieldNames(info);
  if (fields.has('csv')) return ALL_SUM_COLUMNS;
  const columns = new Set<'passed' | 'trainer' | 'moments'>();
  if (fields.has('passed') || fields.has('passRate')) columns.add('passed');
  if (fields.has('trainerEligible') || fields.has('trainerEligibilityRate')) columns.add('trainer');
  if (fields.has('meanPercentage') || fields.has('stdDevPercentage')) columns.add('moments');
  return columns;
}

export const statisticsResolvers: StatisticsResolvers = {
  Query: {
    examStatistics(_parent, args, context, info) {
      authorizeStatistics(context.viewer);
      const filter = validFilter(args.filter);
      const dims = parseDimensions(args.groupBy);
      if ('error' in dims) throw refuse.badInput(dims.error);
      return new ExamStatisticsResultModel(
        context.dataSource.manager,
        filter,
        dims.dimensions,
        statisticsMinGroupSize(),
        sumColumnsFor(info),
      );
    },

    async itemAnalysis(_parent, args, context) {
      authorizeStatistics(context.viewer);
      const filter = validFilter(args.filter);
      const formId = parseId(args.formId, 'formId');
      const translations = (args.translationFormIds ?? []).map((id, i) =>
        parseId(id, `translationFormIds[${i}]`),
      );
      const formIds = [...new Set([formId, ...translations])];
      if (formIds.length > 20) throw refuse.badInput('translationFormIds: at most 19 translations');
      const exams: Array<{ exam_code: string }> = await context.dataSource.query(
        'SELECT DISTINCT exam_code FROM statistics_form_rollup WHERE form_id = ANY($1::text[])',
        [formIds],
      );
      if (exams.length > 1)
        throw refuse.badInput('translationFormIds: every form must be of the same exam as formId');
      const rows = await queryItemAnalysis(context.dataSource.manager, formIds, filter);
      return buildItemAnalysis(formId, rows, statisticsMinGroupSize());
    },

    atoPassRateFunnel(_parent, args, context) {
      authorizeStatistics(context.viewer);
      const filter = validFilter(args.filter);
      return atoPassRateFunnel(context.dataSource.manager, args.exam, filter, statisticsMinGroupSize());
    },

    atoItemDrift(_parent, args, context) {
      authorizeStatistics(context.viewer);
      return atoItemDrift(
        context.dataSource.manager,
        parseId(args.formId, 'formId'),
        parseId(args.atoId, 'atoId'),
        statisticsMinGroupSize(),
      );
    },

    examPassMarkPrecision(_parent, args, context) {
      authorizeStatistics(context.viewer);
      const exams = args.exams?.length ? [...new Set(args.exams)] : [...EXAM_CODES];
      return passMarkPrecision(context.dataSource.manager, exams, statisticsMinGroupSize());
    },

    async itemDif(_parent, args, context) {
      authorizeStatistics(context.viewer);
      const formId = parseId(args.formId, 'formId');
      const by: DifGrouping = args.by ?? 'LANGUAGE';
      const translations = (args.translationFormIds ?? []).map((id, i) =>
        parseId(id, `translationFormIds[${i}]`),
      );
      const manager = context.dataSource.manager;
      const k = statisticsMinGroupSize();
      const itemsOf = async (formIds: string[], filter: StatisticsFilter) =>
        buildItemAnalysis(formIds[0], await queryItemAnalysis(manager, formIds, filter), k).items;

      if (by === 'LANGUAGE') {
        if (translations.length === 0)
          throw refuse.badInput('translationFormIds: give the forms of the other languages to compare with');
        if (args.referenceGroup != null)
          throw refuse.badInput('referenceGroup: with LANGUAGE the reference is the language of formId');
        const formIds = [...new Set([formId, ...translations])];
        if (formIds.length > 20) throw refuse.badInput('translationFormIds: at most 19 translations');
        const forms: Array<{ form_id: string; language: string; exams: string[] }> = await manager.query(
          `SELECT form_id, min(language) AS language, array_agg(DISTINCT exam_code) AS exams
           FROM statistics_form_rollup WHERE form_id = ANY($1::text[]) GROUP BY form_id`,
          [formIds],
        );
        if (new Set(forms.flatMap((f) => f.exams)).size > 1)
          throw refuse.badInput('translationFormIds: every form must be of the same exam as formId');
        const languageOf = new Map(forms.map((f) => [f.form_id, f.language]));
        return buildDifAnalysis({
          formId,
          by,
          referenceGroup: languageOf.get(formId) ?? '',
          referenceKey: formId,
          rows: await queryDifStrata(manager, formIds, by),
          minGroupSize: k,
          labelOf: (form) => languageOf.get(form) ?? form,
          itemStatistics: (form) => itemsOf([form], {}),
        });
      }
      if (translations.length)
        throw refuse.badInput(
          'translationFormIds: only with LANGUAGE; COUNTRY and SESSION_KIND compare within one form',
        );
      let referenceGroup: string;
      if (by === 'COUNTRY') {
        if (!args.referenceGroup || !isCountryCode(args.referenceGroup))
          throw refuse.badInput(
            'referenceGroup: give the reference country as an ISO 3166-1 alpha-2 code, e.g. GB',
          );
        referenceGroup = args.referenceGroup;
      } else {
        referenceGroup = args.referenceGroup ?? 'ATO_COURSE';
        if (!(SESSION_KINDS as readonly string[]).includes(referenceGroup))
          throw refuse.badInput(`referenceGroup: one of ${SESSION_KINDS.join(', ')}`);
      }
      return buildDifAnalysis({
        formId,
        by,
        referenceGroup,
        referenceKey: referenceGroup,
        rows: await queryDifStrata(manager, [formId], by),
        minGroupSize: k,
        labelOf: (group) => group,
        itemStatistics: (group) =>
          itemsOf(
            [formId],
            by === 'COUNTRY' ? { countries: [group] } : { sessionKinds: [group as StatisticsSessionKind] },
          ),
      });
    },
  },

  ExamStatisticsResult: {
    async total(parent) {
      return (await parent.computed()).total;
    },
    async groups(parent, args) {
      const first = clampPageSize(args.first, MAX_GROUPS_PAGE, 100);
      const offset = offsetAfter(args.after);
      const [count, page] = await Promise.all([parent.groupCount(), parent.page(offset, first)]);
      const edges = page.map((node, i) => ({ cursor: encodeCursor([offset + i]), node }));
      return {
        edges,
        pageInfo: {
          hasNextPage: offset + first < count,
          endCursor: edges.length ? edges[edges.length - 1].cursor : null,
        },
        totalCount: count,
      };
    },
    csv(parent) {
      return parent.csv();
    },
  },

  AtoPassRateFunnel: {
    points(parent, args) {
      const first = clampPageSize(args.first, MAX_GROUPS_PAGE, 100);
      const offset = offsetAfter(args.after);
      const edges = parent.points
        .slice(offset, offset + first)
        .map((node, i) => ({ cursor: encodeCursor([offset + i]), node }));
      return {
        edges,
        pageInfo: {
          hasNextPage: offset + first < parent.points.length,
          endCursor: edges.length ? edges[edges.length - 1].cursor : null,
        },
        totalCount: parent.points.length,
      };
    },
  },

  ExamStatisticsGroup: {
    medianPercentage(parent) {
      return parent.medianPercentage();
    },
    distribution(parent) {
      return parent.distribution();
    },
  },
};
