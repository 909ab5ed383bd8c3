import type { DataSource } from 'typeorm';
import {
  derivedKey,
  MAX_PERTURBATION,
  perturbCount,
  perturbedCell,
  perturbPart,
  perturbSum,
  RECORD_KEY_MODULUS,
  type PerturbedCell,
} from '../../src/statistics/domain/perturbation';
import type { ReleasedResultFact } from '../../src/statistics';

/**
 * What the API must publish for a set of sittings, computed in the test from the facts and their
 * record keys as stored: the cell key summed here in plain JavaScript (not through the rollups), and
 * the noise of the perturbation table at it. So a rollup whose key sum drifted from its sittings, or
 * a number published without its noise, fails the comparison.
 */
export class PublishedValues {
  private constructor(private readonly keys: Map<string, number>) {}

  static async read(dataSource: DataSource): Promise<PublishedValues> {
    const rows: Array<{ sitting_id: string; record_key: number }> = await dataSource.query(
      'SELECT sitting_id, record_key FROM statistics_result_fact',
    );
    return new PublishedValues(new Map(rows.map((r) => [r.sitting_id, r.record_key])));
  }

  keyOf(facts: readonly ReleasedResultFact[]): number {
    let key = 0;
    for (const f of facts) {
      const recordKey = this.keys.get(f.sittingId);
      if (recordKey === undefined) throw new Error(`no record key for ${f.sittingId}`);
      key = (key + recordKey) % RECORD_KEY_MODULUS;
    }
    return key;
  }

  cellOf(facts: readonly ReleasedResultFact[]): PerturbedCell {
    return perturbedCell(facts.length, this.keyOf(facts));
  }
}

export { derivedKey, MAX_PERTURBATION, perturbCount, perturbPart, perturbSum };
