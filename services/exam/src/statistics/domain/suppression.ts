/**
 * Small-group suppression for published statistics (k-anonymity on groups of sittings).
 *
 * The rule, applied to one result (a total and its groups, grouped by dimensions D1..Dn):
 *
 * 1. Primary: a group with fewer than k sittings is suppressed (SMALL_GROUP). When the total itself
 *    has fewer than k sittings, every group is suppressed with it.
 * 2. Complementary: a "line" is a set of groups whose sum an analyst can obtain by another query:
 *    the groups that agree on every dimension but one (the marginal obtained by not grouping by
 *    that dimension; with one dimension, the line is every group and its sum is the total), and,
 *    along a time dimension, the months of one quarter or year and the quarters of one year.
 *    In every line that has a suppressed group, the suppressed groups must be at least two and
 *    hold together at least k sittings; otherwise the smallest published group of that line is
 *    suppressed too (COMPLEMENTARY). Lines are re-checked until nothing changes, because a group
 *    suppressed for one line can leave another line with a single suppressed group.
 *    A line of a single group is exempt: its marginal is the same population, suppressed there.
 *
 * Subtraction within a line then yields only the sum of at least two suppressed groups holding at
 * least k sittings together, never one small group.
 *
 * Also: a suppressed group shows no number at all (counts, rates, mean, median, sd, histogram).
 * The trainer-eligibility count and rate of a published group are hidden when the passes they are
 * a share of are fewer than k. Item analysis applies the same rule with the form as the total and
 * its languages as the one dimension. Sizes count sittings: the fact carries no candidate, so a
 * candidate who resat counts twice.
 *
 * What cell suppression cannot stop on its own is differencing across freely chosen filters
 * (e.g. the same ATO over Jan-Jun and over Jan-May): filters are limited to whole months, but a
 * complete defence would need noise (differential privacy) or query auditing.
 */

export type SuppressionReason = 'SMALL_GROUP' | 'COMPLEMENTARY';

export interface SuppressibleGroup {
  /** The group's value per grouping dimension, in the order of `dimensions`. */
  key: ReadonlyArray<string | null>;
  sittings: number;
}

/** How a dimension's values roll up to coarser totals an analyst can query (beyond dropping it). */
export type DimensionHierarchy = 'none' | 'month' | 'quarter';

/** Values: month 'YYYY-MM', quarter 'YYYY-Qn'. */
function coarserValues(value: string | null, hierarchy: DimensionHierarchy): string[] {
  if (value === null || hierarchy === 'none') return [];
  const year = value.slice(0, 4);
  if (hierarchy === 'quarter') return [`Y:${year}`];
  const quarter = Math.floor((Number(value.slice(5, 7)) - 1) / 3) + 1;
  return [`Q:${year}-Q${quarter}`, `Y:${year}`];
}

export function suppressGroups(
  groups: ReadonlyArray<SuppressibleGroup>,
  hierarchies: ReadonlyArray<DimensionHierarchy>,
  minGroupSize: number,
  totalSittings: number,
): Array<SuppressionReason | null> {
  const reasons: Array<SuppressionReason | null> = groups.map((g) =>
    g.sittings < minGroupSize || totalSittings < minGroupSize ? 'SMALL_GROUP' : null,
  );
  if (!reasons.some((r) => r !== null) || reasons.every((r) => r !== null)) return reasons;

  // Lines are fixed by the keys: build them once, as lists of group indexes. Values are interned
  // as small integers per dimension, so a line's key is a number (mixed radix), not a string.
  const ids = hierarchies.map((hierarchy, d) => {
    const intern = new Map<string | null, number>();
    const coarse = new Map<string, number>();
    const values = groups.map((g) => {
      const v = g.key[d];
      let id = intern.get(v);
      if (id === undefined) intern.set(v, (id = intern.size));
      return id;
    });
    // quarter / year of each group's month (or year of its quarter), also interned
    const coarser = groups.map((g) =>
      coarserValues(g.key[d], hierarchy).map((c) => {
        let id = coarse.get(c);
        if (id === undefined) coarse.set(c, (id = coarse.size));
        return id;
      }),
    );
    return { values, radix: intern.size + coarse.size + 1, coarser };
  });
  const lines: number[][] = [];
  hierarchies.forEach((_, d) => {
    const partitions = new Map<number, Map<number | string, number[]>>();
    groups.forEach((_g, i) => {
      // key of the other dimensions; fits a double exactly while the radix product stays below 2^53
      let rest: number | string = 0;
      let exact = true;
      let scale = 1;
      for (let j = 0; j < ids.length; j++) {
        if (j === d) continue;
        rest = (rest as number) + ids[j].values[i] * scale;
        scale *= ids[j].radix;
        if (scale > Number.MAX_SAFE_INTEGER) exact = false;
      }
      if (!exact) rest = ids.map((x, j) => (j === d ? '' : x.values[i])).join(',');
      push(partitions, -1, rest, i);
      for (const c of ids[d].coarser[i]) push(partitions, c, rest, i);
    });
    for (const partition of partitions.values()) for (const line of partition.values()) if (line.length > 1) lines.push(line);
  });
  if (hierarchies.length === 0) return reasons;

  // Worklist: a line is (re)checked only when one of its groups became suppressed; each line keeps
  // its suppressed count and sittings up to date, so a pass costs the lines touched, not all lines.
  const linesOf: number[][] = groups.map(() => []);
  lines.forEach((line, l) => line.forEach((i) => linesOf[i].push(l)));
  const suppressedCount = lines.map((line) => line.filter((i) => reasons[i] !== null).length);
  const suppressedSittings = lines.map((line) => line.reduce((sum, i) => sum + (reasons[i] !== null ? groups[i].sittings : 0), 0));
  const pending = lines.map((_, l) => l).filter((l) => suppressedCount[l] > 0);
  const queued = new Set(pending);
  while (pending.length > 0) {
    const l = pending.pop()!;
    queued.delete(l);
    const line = lines[l];
    while (suppressedCount[l] > 0 && (suppressedCount[l] < 2 || suppressedSittings[l] < minGroupSize)) {
      let smallest = -1;
      for (const i of line) if (reasons[i] === null && (smallest < 0 || groups[i].sittings < groups[smallest].sittings)) smallest = i;
      if (smallest < 0) break;
      reasons[smallest] = 'COMPLEMENTARY';
      for (const other of linesOf[smallest]) {
        suppressedCount[other]++;
        suppressedSittings[other] += groups[smallest].sittings;
        if (other !== l && !queued.has(other)) {
          queued.add(other);
          pending.push(other);
        }
      }
    }
  }
  return reasons;
}

function push(partitions: Map<number, Map<number | string, number[]>>, coarser: number, key: number | string, index: number): void {
  let partition = partitions.get(coarser);
  if (!partition) partitions.set(coarser, (partition = new Map()));
  const list = partition.get(key);
  if (list) list.push(index);
  else partition.set(key, [index]);
}
