import type { StatisticsFilter } from '../domain/statistics-filter';

/** Column names of a table the filter applies to (rollups and facts name a few differently). */
export interface FilterColumns {
  exam: string;
  language: string;
  country?: string;
  ato?: string;
  sessionKind?: string;
  form?: string;
  month: string;
}

/** Builds a parameterized WHERE clause; values are always bound, never spliced. */
export class SqlParameters {
  readonly values: unknown[] = [];
  bind(value: unknown): string {
    this.values.push(value);
    return `$${this.values.length}`;
  }
}

export function whereClause(
  filter: StatisticsFilter,
  columns: FilterColumns,
  params: SqlParameters,
): string[] {
  const conditions: string[] = [];
  const anyOf = (column: string | undefined, values: readonly string[] | undefined, name: string): void => {
    if (!values) return;
    if (!column) throw new Error(`filter on ${name} is not available on this table`);
    conditions.push(`${column} = ANY(${params.bind(values)}::text[])`);
  };
  anyOf(columns.exam, filter.exams, 'exam');
  anyOf(columns.language, filter.languages, 'language');
  anyOf(columns.country, filter.countries, 'country');
  anyOf(columns.ato, filter.atoIds, 'ATO');
  anyOf(columns.sessionKind, filter.sessionKinds, 'session kind');
  anyOf(columns.form, filter.formIds, 'form');
  if (filter.fromMonth) conditions.push(`${columns.month} >= ${params.bind(filter.fromMonth)}::date`);
  if (filter.toMonth) conditions.push(`${columns.month} <= ${params.bind(filter.toMonth)}::date`);
  return conditions;
}
