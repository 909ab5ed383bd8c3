export type ItemFlag = 'TOO_HARD' | 'TOO_EASY' | 'WEAK_DISCRIMINATION' | 'NEGATIVE_DISCRIMINATION';

/** Thresholds a psychometrician expects by default (issue 6). */
export const ITEM_FLAG_THRESHOLDS = { tooHard: 0.2, tooEasy: 0.95, weakDiscrimination: 0.2 } as const;

/** A negative discrimination is also weak; both flags are raised so a filter on either finds it. */
export function itemFlags(pValue: number, discrimination: number | null): ItemFlag[] {
  const flags: ItemFlag[] = [];
  if (pValue < ITEM_FLAG_THRESHOLDS.tooHard) flags.push('TOO_HARD');
  if (pValue > ITEM_FLAG_THRESHOLDS.tooEasy) flags.push('TOO_EASY');
  if (discrimination !== null && discrimination < ITEM_FLAG_THRESHOLDS.weakDiscrimination) flags.push('WEAK_DISCRIMINATION');
  if (discrimination !== null && discrimination < 0) flags.push('NEGATIVE_DISCRIMINATION');
  return flags;
}
