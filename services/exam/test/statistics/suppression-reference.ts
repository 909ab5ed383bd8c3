// The first, object-based implementation of the suppression rule (src/statistics/domain/suppression.ts
// before it moved to typed arrays), kept as a reference: the typed-array version must pick exactly
// the same groups on any table.
import type {
  DimensionHierarchy,
  SuppressibleGroup,
  SuppressionReason,
} from '../../src/statistics/domain/suppression';

/** Values: month 'YYYY-MM', quarter 'YYYY-Qn'. */
function coarserValues(value: string | null, hierarchy: DimensionHierarchy): string[] {
  if (value === null || hierarchy === 'none') return [];
  const year = value.slice(0, 4);
  if (hierarchy === 'quarter') return [`Y:${year}`];
  const quarter = Math.floor((Number(value.slice(5, 7)) - 1) / 3) + 1;
  return [`Q:${year}-Q${quarter}`, `Y:${year}`];
}

export function referenceSuppressGroups(
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
    for (const partition of partitions.values())
      for (const line of partition.values()) if (line.length > 1) lines.push(line);
  });
  if (hierarchies.length === 0) return reasons;

  // Worklist: a line is (re)checked only when one of its groups became suppressed; each line keeps
  // its suppressed count and sittings up to date, so a pass costs the lines touched, not all lines.
  const linesOf: number[][] = groups.map(() => []);
  lines.forEach((line, l) => line.forEach((i) => linesOf[i].push(l)));
  const suppressedCount = lines.map((line) => line.filter((i) => reasons[i] !== null).length);
  const suppressedSittings = lines.map((line) =>
    line.reduce((sum, i) => sum + (reasons[i] !== null ? groups[i].sittings : 0), 0),
  );
  const pending = lines.map((_, l) => l).filter((l) => suppressedCount[l] > 0);
  const queued = new Set(pending);
  while (pending.length > 0) {
    const l = pending.pop()!;
    queued.delete(l);
    const line = lines[l];
    while (suppressedCount[l] > 0 && (suppressedCount[l] < 2 || suppressedSittings[l] < minGroupSize)) {
      let smallest = -1;
      for (const i of line)
        if (reasons[i] === null && (smallest < 0 || groups[i].sittings < groups[smallest].sittings))
          smallest = i;
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

function push(
  partitions: Map<number, Map<number | string, number[]>>,
  coarser: number,
  key: number | string,
  index: number,
): void {
  let partition = partitions.get(coarser);
  if (!partition) partitions.set(coarser, (partition = new Map()));
  const list = partition.get(key);
  if (list) list.push(index);
  else partition.set(key, [index]);
}
