/**
 * Cell-key perturbation of published counts and sums (the Australian Bureau of Statistics'
 * TableBuilder method; see the statistics README for the guarantee and its cost).
 *
 * Every released sitting gets a record key when it is recorded: a uniform random integer in
 * [0, 2^31), drawn once, stored with the fact, never shown. The key of a cell (any set of sittings
 * an answer counts) is the sum of its records' keys modulo 2^31, so it is additive over the rollups
 * and the same records always give the same cell key, whatever filter or grouping selected them.
 * A published count is the true count plus noise read from a fixed perturbation table at (cell key,
 * count): asking again, or asking for the same sittings in another way, returns the same number, so
 * repeating a question does not average the noise away; and two cells that differ by a hidden group
 * have unrelated keys, so subtracting them gives the hidden count plus the difference of two
 * unknown noises, never the count itself.
 *
 * Other numbers of a cell (its passes, histogram buckets, option counts, sums of scores) take their
 * noise from keys derived from the cell key and a label, and every rate, mean or share is computed
 * from perturbed numerators and the perturbed count: a ratio with the true count as denominator
 * would give that count away (the denominator of an exact fraction can be read off its digits).
 */

export const RECORD_KEY_MODULUS = 2 ** 31;

/**
 * Largest noise added to or taken from any count. The noise is a discretised normal (sigma 1.25):
 * 99.5% of counts move by at most 3, and the tail out to 7 exists so that an attacker who knows
 * the bound cannot pin a hidden count down by intersecting intervals: that needs noises at the
 * very ends of the table (probability about 1e-7 each) on both answers of a pair.
 */
export const MAX_PERTURBATION = 7;

const NOISE_SIGMA = 1.25;

export interface PerturbationRow {
  /** The smallest noise this row can give (a count never becomes negative). */
  min: number;
  /** Cumulative probabilities of noise min, min + 1, ..., MAX_PERTURBATION (the last is 1). */
  cumulative: number[];
}

/**
 * Row c for counts c = 1..MAX_PERTURBATION (noise at least -c, so the result is never negative),
 * row MAX_PERTURBATION + 1 for every larger count. Each row's distribution has mean exactly zero
 * (a discretised normal, tilted exponentially on the truncated rows), so perturbation is unbiased.
 * Zero stays zero: a cell without sittings has no records and so no key.
 */
function buildPerturbationTable(): PerturbationRow[] {
  const rows: PerturbationRow[] = [];
  for (let c = 1; c <= MAX_PERTURBATION + 1; c++) {
    const min = Math.max(-c, -MAX_PERTURBATION);
    const support = Array.from({ length: MAX_PERTURBATION - min + 1 }, (_, i) => min + i);
    const weights = (tilt: number) =>
      support.map((j) => Math.exp(-(j * j) / (2 * NOISE_SIGMA ** 2) + tilt * j));
    const meanOf = (tilt: number) => {
      const w = weights(tilt);
      const total = w.reduce((s, x) => s + x, 0);
      return w.reduce((s, x, i) => s + x * support[i], 0) / total;
    };
    // the mean grows with the tilt: bisect for zero (symmetric rows need none)
    let low = -5;
    let high = 5;
    for (let step = 0; step < 200; step++) {
      const middle = (low + high) / 2;
      if (meanOf(middle) > 0) high = middle;
      else low = middle;
    }
    const w = weights(min === -MAX_PERTURBATION ? 0 : (low + high) / 2);
    const total = w.reduce((s, x) => s + x, 0);
    let running = 0;
    const cumulative = w.map((x) => (running += x / total));
    cumulative[cumulative.length - 1] = 1;
    rows.push({ min, cumulative });
  }
  return rows;
}

export const PERTURBATION_TABLE: readonly PerturbationRow[] = buildPerturbationTable();

/** The noise of the table at a row for a key in [0, 2^31). */
function noiseAt(row: PerturbationRow, key: number): number {
  const u = key / RECORD_KEY_MODULUS;
  const { cumulative } = row;
  for (let i = 0; i < cumulative.length; i++) if (u < cumulative[i]) return row.min + i;
  return MAX_PERTURBATION;
}

/** A cell's key from the sum of its records' keys (any non-negative integer below 2^53). */
export function cellKeyOf(recordKeySum: number): number {
  return recordKeySum % RECORD_KEY_MODULUS;
}

/** The key of a cell made of disjoint cells (a total of groups): keys add modulo 2^31. */
export function combinedCellKey(keys: ArrayLike<number>): number {
  let key = 0;
  for (let i = 0; i < keys.length; i++) key = (key + keys[i]) % RECORD_KEY_MODULUS;
  return key;
}

/** 32-bit finaliser of MurmurHash3: a well-mixed permutation of the integers. */
function mix(h: number): number {
  h ^= h >>> 16;
  h = Math.imul(h, 0x85ebca6b);
  h ^= h >>> 13;
  h = Math.imul(h, 0xc2b2ae35);
  h ^= h >>> 16;
  return h >>> 0;
}

const labelSalts = new Map<string, number>();
function saltOf(label: string): number {
  let salt = labelSalts.get(label);
  if (salt === undefined) {
    // FNV-1a of the label, then mixed: a fixed constant per label
    let h = 0x811c9dc5;
    for (let i = 0; i < label.length; i++) h = Math.imul(h ^ label.charCodeAt(i), 0x01000193);
    salt = mix(h >>> 0);
    labelSalts.set(label, salt);
  }
  return salt;
}

/**
 * The key of another number of the same cell (its passes, bucket 3, option B of item 12): a fixed
 * function of the cell key and the label, uniform in [0, 2^31) when the cell key is.
 */
export function derivedKey(cellKey: number, label: string): number {
  return mix((cellKey ^ saltOf(label)) >>> 0) % RECORD_KEY_MODULUS;
}

/** A count as published: unchanged when zero, otherwise plus the table's noise at (key, count). */
export function perturbCount(count: number, key: number): number {
  if (count <= 0) return 0;
  const row = PERTURBATION_TABLE[Math.min(count, MAX_PERTURBATION + 1) - 1];
  return count + noiseAt(row, key);
}

/**
 * A sum of magnitudes as published: plus `scale` times a symmetric noise of the table (-7..7), so
 * a difference of two published sums is the hidden sum plus an unknown multiple of `scale`.
 */
export function perturbSum(sum: number, key: number, scale: number): number {
  return sum + scale * noiseAt(PERTURBATION_TABLE[MAX_PERTURBATION], key);
}

/**
 * Correlational statistics (discrimination, reliability, SEM) are computed from exact moments; they
 * are published to 4 decimals so that no exact fraction of the underlying integer sums (and so no
 * count) can be read off their digits.
 */
export function roundPublished(value: number | null): number | null {
  if (value === null) return null;
  const rounded = Math.round(value * 10000) / 10000;
  return rounded === 0 ? 0 : rounded; // no -0 from a tiny negative
}

/** Counts of one cell as published, with the rule that a part never exceeds its whole. */
export interface PerturbedCell {
  key: number;
  sittings: number;
}

export function perturbedCell(trueSittings: number, key: number): PerturbedCell {
  return { key, sittings: perturbCount(trueSittings, key) };
}

/** A part of a cell (passes, a bucket, an option) as published: its own noise, at most the cell's published count. */
export function perturbPart(cell: PerturbedCell, count: number, label: string): number {
  return Math.min(perturbCount(count, derivedKey(cell.key, label)), cell.sittings);
}
