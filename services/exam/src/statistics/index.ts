// The statistics feature of the exam subgraph: its tables, migrations, resolvers, and the two
// calls the exam service makes inside its release / void transactions.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { statisticsEntityClasses } from './entities';
import { StatisticsTables1733200000000 } from './migrations/1733200000000-statistics-tables';
import { StatisticsIntegerPercentages1733200000001 } from './migrations/1733200000001-statistics-integer-percentages';
import { StatisticsCountryItemRollups1733200000002 } from './migrations/1733200000002-statistics-country-item-rollups';
import { StatisticsRollupVersion1733200000003 } from './migrations/1733200000003-statistics-rollup-version';
import { StatisticsRecordKeys1733200000004 } from './migrations/1733200000004-statistics-record-keys';
import { StatisticsItemScoreRollup1733200000005 } from './migrations/1733200000005-statistics-item-score-rollup';

export {
  bumpRollupVersion,
  recordReleasedResult,
  removeReleasedResult,
  rebuildRollups,
} from './released-result/record-released-result';
export type { ReleasedResultFact, ItemResponseFact } from './released-result/released-result-fact';
export { statisticsResolvers, type StatisticsContext } from './statistics.resolvers';

export const statisticsEntities = statisticsEntityClasses;
export const statisticsMigrations = [
  StatisticsTables1733200000000,
  StatisticsIntegerPercentages1733200000001,
  StatisticsCountryItemRollups1733200000002,
  StatisticsRollupVersion1733200000003,
  StatisticsRecordKeys1733200000004,
  StatisticsItemScoreRollup1733200000005,
];

/** The SDL of statistics.graphql (extends the exam subgraph's Query). */
export function statisticsTypeDefs(): string {
  return readFileSync(join(__dirname, 'statistics.graphql'), 'utf8');
}
