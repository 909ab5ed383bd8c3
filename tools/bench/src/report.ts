import type { ScenarioOutcome } from './runner';
import { formatTable, type TableRow } from './table';

import type { Contender } from './scenarios';

export const CONTENDER_NAMES: Record<Contender, string> = {
  ours: 'ours (Apollo Gateway)',
  'ours-planned': 'ours, routes off (all planned)',
  'ours-apollo': "ours, Apollo Gateway's executor",
  before: 'ours from --before (earlier commit)',
  'before-planned': 'ours from --before, routes off',
  'hive-rust': 'Hive Gateway + Rust planner',
  hive: 'Hive Gateway (JS planner)',
  grafbase: 'grafbase dev',
  direct: 'subgraph directly',
};

/** Table rows for a suite's outcomes: one per contender, with SQL and CPU in the notes column. */
export function tableRows(outcomes: readonly ScenarioOutcome[]): TableRow[] {
  const rows: TableRow[] = [];
  for (const scenario of outcomes) {
    for (const outcome of scenario.outcomes) {
      const notes: string[] = [];
      if (outcome.failed) notes.push(`FAILED: ${outcome.failed}`);
      if (outcome.sqlStatements !== undefined) notes.push(`SQL ${outcome.sqlStatements.toFixed(1)}/req`);
      if (outcome.gatewayCpuShare !== undefined && Number.isFinite(outcome.gatewayCpuShare))
        notes.push(
          `gateway CPU ${(outcome.gatewayCpuShare * 100).toFixed(0)}%${
            outcome.gatewayCpuMs !== undefined && Number.isFinite(outcome.gatewayCpuMs)
              ? ` ${outcome.gatewayCpuMs.toFixed(2)} ms/req${
                  outcome.gatewayCpuMsNet !== undefined && Number.isFinite(outcome.gatewayCpuMsNet)
                    ? ` (${outcome.gatewayCpuMsNet.toFixed(2)} net of idle)`
                    : ''
                }`
              : ''
          }`,
        );
      if (outcome.subgraphsCpuMs !== undefined && Number.isFinite(outcome.subgraphsCpuMs))
        notes.push(`subgraphs ${outcome.subgraphsCpuMs.toFixed(2)} ms/req`);
      if (outcome.recordsPerSecond !== undefined)
        notes.push(`${Math.round(outcome.recordsPerSecond).toLocaleString('en')} records/s`);
      rows.push({
        scenario: `${scenario.scenario} [${scenario.connections}c]`,
        contender: CONTENDER_NAMES[outcome.contender],
        result: outcome.median,
        ratio: outcome.ratio,
        failed: outcome.failed !== undefined,
        skipped: outcome.skipped,
        notes: notes.join(', '),
      });
    }
    if (scenario.note) rows.push({ scenario: `  (${scenario.note})`, contender: '', skipped: 'note' });
  }
  return rows.filter((row) => row.skipped !== 'note');
}

export function formatSuite(title: string, outcomes: readonly ScenarioOutcome[]): string {
  const notes = outcomes.filter((o) => o.note).map((o) => `  note: ${o.scenario}: ${o.note}`);
  return [`\n== ${title} (medians) ==`, formatTable(tableRows(outcomes)), ...notes].join('\n');
}
