export type ItemFlag = 'TOO_HARD' | 'TOO_EASY' | 'WEAK_DISCRIMINATION' | 'NEGATIVE_DISCRIMINATION';

/** Thresholds a psychometrician expects by default, as exact fractions. */
export const ITEM_FLAG_THRESHOLDS = {
  tooHard: { numerator: 1n, denominator: 5n },
  tooEasy: { numerator: 19n, denominator: 20n },
  weakDiscrimination: { numerator: 1n, denominator: 5n },
} as const;

/** A value known exactly: numerator / denominator (denominator > 0). */
export interface Ratio {
  numerator: bigint;
  denominator: bigint;
}

/**
 * A correlation known exactly as numerator / sqrt(radicand) (radicand > 0): the corrected
 * point-biserial computed from integer sums, before any rounding.
 */
export interface ExactCorrelation {
  numerator: bigint;
  radicand: bigint;
}

function isRatio(value: number | Ratio): value is Ratio {
  return typeof value !== 'number';
}

/** value < threshold, exactly when the value is exact. */
function pBelow(value: number | Ratio, threshold: Ratio): boolean {
  if (!isRatio(value)) return value < Number(threshold.numerator) / Number(threshold.denominator);
  return value.numerator * threshold.denominator < threshold.numerator * value.denominator;
}

function pAbove(value: number | Ratio, threshold: Ratio): boolean {
  if (!isRatio(value)) return value > Number(threshold.numerator) / Number(threshold.denominator);
  return value.numerator * threshold.denominator > threshold.numerator * value.denominator;
}

function isNegative(value: number | ExactCorrelation): boolean {
  return typeof value === 'number' ? value < 0 : value.numerator < 0n;
}

/** value < threshold (a positive fraction): n / sqrt(r) < a / b  <=>  n < 0 or n^2 b^2 < a^2 r. */
function correlationBelow(value: number | ExactCorrelation, threshold: Ratio): boolean {
  if (typeof value === 'number') return value < Number(threshold.numerator) / Number(threshold.denominator);
  if (value.numerator < 0n) return true;
  const { numerator: a, denominator: b } = threshold;
  return value.numerator * value.numerator * b * b < a * a * value.radicand;
}

/**
 * Flags of one question. Decided on exact values when given (rounding noise must not make an item
 * whose discrimination is exactly zero "negative", nor move a p-value across a threshold); plain
 * numbers are compared as they are. A negative discrimination is also weak; both flags are raised
 * so a filter on either finds it.
 */
export function itemFlags(
  pValue: number | Ratio,
  discrimination: number | ExactCorrelation | null,
): ItemFlag[] {
  const flags: ItemFlag[] = [];
  if (pBelow(pValue, ITEM_FLAG_THRESHOLDS.tooHard)) flags.push('TOO_HARD');
  if (pAbove(pValue, ITEM_FLAG_THRESHOLDS.tooEasy)) flags.push('TOO_EASY');
  if (discrimination !== null && correlationBelow(discrimination, ITEM_FLAG_THRESHOLDS.weakDiscrimination))
    flags.push('WEAK_DISCRIMINATION');
  if (discrimination !== null && isNegative(discrimination)) flags.push('NEGATIVE_DISCRIMINATION');
  return flags;
}

/**
 * A PostgreSQL numeric as text ("-12.50") as an exact scaled integer: units / 10^scale.
 */
export function parseDecimal(text: string): { units: bigint; scale: number } {
  const match = /^(-?)(\d+)(?:\.(\d+))?$/.exec(text.trim());
  if (!match) throw new Error(`not a decimal number: "${text}"`);
  const fraction = match[3] ?? '';
  const units = BigInt(`${match[2]}${fraction}`);
  return { units: match[1] ? -units : units, scale: fraction.length };
}

/** numerator / denominator from two decimals, exactly. */
export function ratioOf(numerator: string, denominator: string): Ratio {
  const n = parseDecimal(numerator);
  const d = parseDecimal(denominator);
  const scale = Math.max(n.scale, d.scale);
  const num = n.units * 10n ** BigInt(scale - n.scale);
  const den = d.units * 10n ** BigInt(scale - d.scale);
  return den < 0n ? { numerator: -num, denominator: -den } : { numerator: num, denominator: den };
}

/** numerator / sqrt(radicand) from two decimals, exactly (the radicand scaled by the square of the numerator's scale). */
export function correlationOf(numerator: string, radicand: string): ExactCorrelation {
  const n = parseDecimal(numerator);
  const r = parseDecimal(radicand);
  const scale = Math.max(n.scale, Math.ceil(r.scale / 2));
  return {
    numerator: n.units * 10n ** BigInt(scale - n.scale),
    radicand: r.units * 10n ** BigInt(2 * scale - r.scale),
  };
}
