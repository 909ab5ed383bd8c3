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

/** Reason codes of suppressTable (a typed array: one byte per group). */
export const PUBLISHED = 0;
export const SMALL_GROUP = 1;
export const COMPLEMENTARY = 2;

export function suppressionReasonOf(code: number): SuppressionReason | null {
  return code === SMALL_GROUP ? 'SMALL_GROUP' : code === COMPLEMENTARY ? 'COMPLEMENTARY' : null;
}

export interface SuppressibleGroup {
  /** The group's value per grouping dimension, in the order of `dimensions`. */
  key: ReadonlyArray<string | null>;
  sittings: number;
}

/** How a dimension's values roll up to coarser totals an analyst can query (beyond dropping it). */
export type DimensionHierarchy = 'none' | 'month' | 'quarter';

/** Values: month 'YYYY-MM', quarter 'YYYY-Qn'. */
export function coarserValues(value: string | null, hierarchy: DimensionHierarchy): string[] {
  if (value === null || hierarchy === 'none') return [];
  const year = value.slice(0, 4);
  if (hierarchy === 'quarter') return [`Y:${year}`];
  const quarter = Math.floor((Number(value.slice(5, 7)) - 1) / 3) + 1;
  return [`Q:${year}-Q${quarter}`, `Y:${year}`];
}

/** One grouping dimension of a table of groups, with its values interned as small integers. */
export interface SuppressionDimension {
  /** The value of every group as an id in 0..valueCount-1 (only equality matters). */
  valueIds: Int32Array;
  valueCount: number;
  /** Per value id, the coarser values it rolls up to (quarter / year of a month, year of a quarter). */
  coarser: ReadonlyArray<ReadonlyArray<string>> | null;
}

/** Groups as columns: no object per group, so tens of thousands of groups cost a few milliseconds. */
export interface SuppressionTable {
  size: number;
  dimensions: readonly SuppressionDimension[];
  sittings: ArrayLike<number>;
}

/**
 * The rule above on a table of groups, in the groups' order (key order): one byte per group,
 * PUBLISHED, SMALL_GROUP or COMPLEMENTARY. Integers and typed arrays only.
 */
/*
 * Cost and termination: lines are built once (a membership per group and line: 1 + the coarser
 * values per dimension, 4 per group for ATO x MONTH). The worklist only ever adds suppressions, so
 * it ends after at most one COMPLEMENTARY per group; each costs a scan of one line to find its
 * smallest published group and an update of the group's own lines. At 29,090 ATO x month groups
 * (16,733 hidden) it takes a few milliseconds.
 */
export function suppressTable(
  table: SuppressionTable,
  minGroupSize: number,
  totalSittings: number,
): Uint8Array {
  const n = table.size;
  const { sittings } = table;
  const reasons = new Uint8Array(n);
  let hidden = 0;
  for (let i = 0; i < n; i++) {
    if (sittings[i] < minGroupSize || totalSittings < minGroupSize) {
      reasons[i] = SMALL_GROUP;
      hidden++;
    }
  }
  if (hidden === 0 || hidden === n || table.dimensions.length === 0) return reasons;

  const lines = buildLines(table);
  const { lineStart, members, groupLineStart, groupLines } = lines;
  const lineCount = lineStart.length - 1;

  // Worklist: a line is (re)checked only when one of its groups became suppressed; each line keeps
  // its suppressed count and sittings up to date, so a pass costs the lines touched, not all lines.
  const suppressedCount = new Int32Array(lineCount);
  const suppressedSittings = new Float64Array(lineCount);
  const pending: number[] = [];
  const queued = new Uint8Array(lineCount);
  for (let l = 0; l < lineCount; l++) {
    for (let m = lineStart[l]; m < lineStart[l + 1]; m++) {
      const i = members[m];
      if (reasons[i] !== PUBLISHED) {
        suppressedCount[l]++;
        suppressedSittings[l] += sittings[i];
      }
    }
    if (suppressedCount[l] > 0) {
      pending.push(l);
      queued[l] = 1;
    }
  }
  while (pending.length > 0) {
    const l = pending.pop()!;
    queued[l] = 0;
    while (suppressedCount[l] > 0 && (suppressedCount[l] < 2 || suppressedSittings[l] < minGroupSize)) {
      let smallest = -1;
      for (let m = lineStart[l]; m < lineStart[l + 1]; m++) {
        const i = members[m];
        if (reasons[i] === PUBLISHED && (smallest < 0 || sittings[i] < sittings[smallest])) smallest = i;
      }
      if (smallest < 0) break;
      reasons[smallest] = COMPLEMENTARY;
      for (let g = groupLineStart[smallest]; g < groupLineStart[smallest + 1]; g++) {
        const other = groupLines[g];
        suppressedCount[other]++;
        suppressedSittings[other] += sittings[smallest];
        if (other !== l && !queued[other]) {
          queued[other] = 1;
          pending.push(other);
        }
      }
    }
  }
  return reasons;
}

/**
 * The lines of a table (see the rule), as compressed lists: members of line l are
 * members[lineStart[l] .. lineStart[l+1]), in group order; lines of group i are
 * groupLines[groupLineStart[i] .. groupLineStart[i+1]), ascending. Lines are ordered by dimension,
 * then by partition (all values first, then each coarser value in order of first appearance), then
 * by first appearance; lines of a single group are left out.
 */
function buildLines(table: SuppressionTable) {
  const n = table.size;
  const dims = table.dimensions;
  // Every (group, line) membership, in the order lines are met.
  let memberTemp = new Int32Array(n * dims.length * 3);
  let memberGroup = new Int32Array(n * dims.length * 3);
  let memberships = 0;
  // Temporary line ids by first appearance; `order` lists them dimension by dimension, by partition.
  const order: number[] = [];
  let tempCount = 0;
  const rest = new Float64Array(n);

  dims.forEach((dim, d) => {
    // partition 0: the whole dimension; 1 + c: coarser value c (ids by first appearance)
    const coarseIds: Array<Int32Array | undefined> = new Array(dim.valueCount);
    const coarseIntern = new Map<string, number>();
    for (let i = 0; i < n; i++) {
      const v = dim.valueIds[i];
      if (coarseIds[v] !== undefined) continue;
      const names = dim.coarser?.[v] ?? [];
      const ids = new Int32Array(names.length);
      names.forEach((name, c) => {
        let id = coarseIntern.get(name);
        if (id === undefined) coarseIntern.set(name, (id = coarseIntern.size));
        ids[c] = id;
      });
      coarseIds[v] = ids;
    }
    const partitions = 1 + coarseIntern.size;
    // The key of the other dimensions (mixed radix of their value ids): exact in a double here.
    let restRadix = 1;
    for (let j = 0; j < dims.length; j++) if (j !== d) restRadix *= dims[j].valueCount;
    const exact = restRadix * partitions < Number.MAX_SAFE_INTEGER;
    rest.fill(0);
    for (let j = 0; j < dims.length; j++) {
      if (j === d) continue;
      const ids = dims[j].valueIds;
      const radix = dims[j].valueCount;
      for (let i = 0; i < n; i++) rest[i] = rest[i] * radix + ids[i];
    }
    // Line id per (rest, partition): a flat table when the key space is small, else a map.
    const keySpace = restRadix * partitions;
    const flat = exact && keySpace <= Math.max(1 << 16, 8 * n) ? new Int32Array(keySpace).fill(-1) : null;
    const map = new Map<number | string, number>();
    const first = tempCount;
    const tempPartition: number[] = [];
    const lineFor = (i: number, partition: number): number => {
      if (flat) {
        const key = rest[i] * partitions + partition;
        let temp = flat[key];
        if (temp < 0) {
          flat[key] = temp = tempCount++;
          tempPartition.push(partition);
        }
        return temp;
      }
      const key = exact
        ? rest[i] * partitions + partition
        : `${dims.map((x, j) => (j === d ? '' : x.valueIds[i])).join(',')}|${partition}`;
      let temp = map.get(key);
      if (temp === undefined) {
        map.set(key, (temp = tempCount++));
        tempPartition.push(partition);
      }
      return temp;
    };
    for (let i = 0; i < n; i++) {
      const coarse = coarseIds[dim.valueIds[i]]!;
      for (let c = -1; c < coarse.length; c++) {
        if (memberships === memberTemp.length) {
          memberTemp = grow(memberTemp);
          memberGroup = grow(memberGroup);
        }
        memberTemp[memberships] = lineFor(i, c < 0 ? 0 : 1 + coarse[c]);
        memberGroup[memberships] = i;
        memberships++;
      }
    }
    // this dimension's lines by partition, then first appearance (a stable counting sort)
    const start = new Int32Array(partitions + 1);
    for (const p of tempPartition) start[p + 1]++;
    for (let p = 0; p < partitions; p++) start[p + 1] += start[p];
    const sorted = new Int32Array(tempPartition.length);
    tempPartition.forEach((p, t) => (sorted[start[p]++] = first + t));
    for (const t of sorted) order.push(t);
  });

  const size = new Int32Array(tempCount);
  for (let m = 0; m < memberships; m++) size[memberTemp[m]]++;
  const finalOf = new Int32Array(tempCount).fill(-1);
  let lineCount = 0;
  for (const t of order) if (size[t] > 1) finalOf[t] = lineCount++;

  const lineStart = new Int32Array(lineCount + 1);
  for (const t of order) if (finalOf[t] >= 0) lineStart[finalOf[t] + 1] = size[t];
  for (let l = 0; l < lineCount; l++) lineStart[l + 1] += lineStart[l];
  const fill = lineStart.slice(0, lineCount);
  const members = new Int32Array(lineStart[lineCount]);
  const groupLineCount = new Int32Array(n);
  for (let m = 0; m < memberships; m++) {
    const l = finalOf[memberTemp[m]];
    if (l < 0) continue;
    members[fill[l]++] = memberGroup[m];
    groupLineCount[memberGroup[m]]++;
  }
  const groupLineStart = new Int32Array(n + 1);
  for (let i = 0; i < n; i++) groupLineStart[i + 1] = groupLineStart[i] + groupLineCount[i];
  const groupFill = groupLineStart.slice(0, n);
  const groupLines = new Int32Array(groupLineStart[n]);
  for (let l = 0; l < lineCount; l++) {
    for (let m = lineStart[l]; m < lineStart[l + 1]; m++) groupLines[groupFill[members[m]]++] = l;
  }
  return { lineStart, members, groupLineStart, groupLines };
}

function grow(array: Int32Array<ArrayBuffer>): Int32Array<ArrayBuffer> {
  const bigger = new Int32Array(Math.max(16, array.length * 2));
  bigger.set(array);
  return bigger;
}

/** The same rule for groups given as objects (item analysis, tests): interns the keys and runs suppressTable. */
export function suppressGroups(
  groups: ReadonlyArray<SuppressibleGroup>,
  hierarchies: ReadonlyArray<DimensionHierarchy>,
  minGroupSize: number,
  totalSittings: number,
): Array<SuppressionReason | null> {
  const dimensions = hierarchies.map((hierarchy, d): SuppressionDimension => {
    const intern = new Map<string | null, number>();
    const coarser: string[][] = [];
    const valueIds = new Int32Array(groups.length);
    groups.forEach((g, i) => {
      const value = g.key[d] ?? null;
      let id = intern.get(value);
      if (id === undefined) {
        intern.set(value, (id = intern.size));
        coarser.push(coarserValues(value, hierarchy));
      }
      valueIds[i] = id;
    });
    return { valueIds, valueCount: intern.size, coarser };
  });
  const sittings = Float64Array.from(groups, (g) => g.sittings);
  const codes = suppressTable({ size: groups.length, dimensions, sittings }, minGroupSize, totalSittings);
  return Array.from(codes, suppressionReasonOf);
}
