import { FormCountryRollupEntity } from './form-country-rollup.entity';
import { FormRollupEntity } from './form-rollup.entity';
import { GroupRollupEntity } from './group-rollup.entity';
import { ItemCountryRollupEntity } from './item-country-rollup.entity';
import { ItemRollupEntity } from './item-rollup.entity';
import { ItemScoreRollupEntity } from './item-score-rollup.entity';
import { MonthlyScoreRollupEntity } from './monthly-score-rollup.entity';
import { ResultFactEntity } from './result-fact.entity';
import { RollupVersionEntity } from './rollup-version.entity';
import { ScoreRollupEntity } from './score-rollup.entity';

export {
  FormCountryRollupEntity,
  FormRollupEntity,
  GroupRollupEntity,
  ItemCountryRollupEntity,
  ItemRollupEntity,
  ItemScoreRollupEntity,
  MonthlyScoreRollupEntity,
  ResultFactEntity,
  RollupVersionEntity,
  ScoreRollupEntity,
};

export const statisticsEntityClasses = [
  ResultFactEntity,
  ScoreRollupEntity,
  MonthlyScoreRollupEntity,
  GroupRollupEntity,
  FormRollupEntity,
  ItemRollupEntity,
  FormCountryRollupEntity,
  ItemCountryRollupEntity,
  RollupVersionEntity,
  ItemScoreRollupEntity,
];
