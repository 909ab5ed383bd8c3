import type { MedianMeasurement } from './stats';

export interface TableRow {
  scenario: string;
  contender: string;
  result?: MedianMeasurement;
  /** Throughput ratio to our gateway on the same scenario. */
  ratio?: number;
  /** Some request failed: the figures are shown but not compared. */
  failed?: boolean;
  /** Why there is no result (the scenario's query failed, the contender does not apply). */
  skipped?: string;
  /** Extra columns: SQL per request, gateway CPU share. */
  notes?: string;
}

const fixed = (value: number | undefined, digits: number) =>
  value === undefined || !Number.isFinite(value) ? '-' : value.toFixed(digits);
/** Throughput with as many decimals as a small number needs (a bulk call takes seconds). */
const rate = (value: number) => fixed(value, value >= 100 ? 0 : value >= 10 ? 1 : 2);

/** A plain-text table, columns padded to their widest cell; numbers right-aligned. */
export function formatTable(rows: readonly TableRow[]): string {
  const header = [
    'scenario',
    'contender',
    'req/s',
    'p50 ms',
    'p95 ms',
    'p99 ms',
    'errors',
    'vs ours',
    'notes',
  ];
  const body = rows.map((row) =>
    row.result
      ? [
          row.scenario,
          row.contender,
          rate(row.result.requestsPerSecond),
          fixed(row.result.p50, 1),
          fixed(row.result.p95, 1),
          fixed(row.result.p99, 1),
          row.result.errors === 0
            ? '0'
            : `${fixed(row.result.errors, 0)} (${fixed(row.result.errorRate * 100, 1)}%)`,
          row.failed ? 'FAILED' : row.ratio === undefined ? '-' : `${fixed(row.ratio, 2)}x`,
          row.notes ?? '',
        ]
      : [row.scenario, row.contender, '-', '-', '-', '-', '-', '-', `skipped: ${row.skipped ?? 'no result'}`],
  );
  const widths = header.map((title, column) =>
    Math.max(title.length, ...body.map((cells) => cells[column].length)),
  );
  const numeric = new Set([2, 3, 4, 5, 6, 7]);
  const line = (cells: string[]) =>
    cells
      .map((cell, column) =>
        column === cells.length - 1
          ? cell
          : numeric.has(column)
            ? cell.padStart(widths[column])
            : cell.padEnd(widths[column]),
      )
      .join('  ')
      .trimEnd();
  const rule = widths.map((width) => '-'.repeat(width)).join('  ');
  return [line(header), rule, ...body.map(line)].join('\n');
}
