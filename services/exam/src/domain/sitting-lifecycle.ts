import { refuse } from '@iso20000/service-kit';

/**
 * registered -> sat | absent; sat -> marked -> released. Voiding (malpractice) is possible from
 * any live state, even after release. A registration that fails its prerequisite check is cancelled.
 */
export const SITTING_STATES = [
  'REGISTERED',
  'SAT',
  'ABSENT',
  'MARKED',
  'RELEASED',
  'VOIDED',
  'CANCELLED',
] as const;
export type SittingState = (typeof SITTING_STATES)[number];

const NEXT: Record<SittingState, readonly SittingState[]> = {
  REGISTERED: ['SAT', 'ABSENT', 'CANCELLED', 'VOIDED'],
  SAT: ['MARKED', 'VOIDED'],
  ABSENT: ['VOIDED'],
  MARKED: ['RELEASED', 'VOIDED'],
  RELEASED: ['VOIDED'],
  VOIDED: [],
  CANCELLED: [],
};

export function canTransition(from: SittingState, to: SittingState): boolean {
  return NEXT[from].includes(to);
}

export function assertTransition(from: SittingState, to: SittingState): void {
  if (!canTransition(from, to)) {
    const allowed = NEXT[from];
    throw refuse.conflict(
      `a ${from.toLowerCase()} sitting cannot become ${to.toLowerCase()}` +
        (allowed.length
          ? `; from ${from.toLowerCase()} it can only become ${allowed.map((s) => s.toLowerCase()).join(' or ')}`
          : `; ${from.toLowerCase()} is final`),
    );
  }
}

/** States in which a sitting holds a seat of its session (and blocks a second registration). */
export const SEAT_HOLDING_STATES: readonly SittingState[] = [
  'REGISTERED',
  'SAT',
  'ABSENT',
  'MARKED',
  'RELEASED',
];
