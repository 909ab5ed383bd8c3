import { isSchemeStaff, requireAuthenticated, type Viewer } from '@iso20000/auth';
import { badUserInput, clientError, forbidden } from '@iso20000/service-kit';
import { ExamRuleViolation } from '../domain/exam-rule-violation';
import type { SittingEntity } from '../entities/sitting.entity';

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/** Ids are uuids; anything else is the client's mistake, said before it reaches SQL. */
export function parseId(value: string, field: string): string {
  if (!UUID.test(value))
    throw badUserInput(`${field} must be an id issued by this API (a uuid), got "${value}"`);
  return value.toLowerCase();
}

/** A candidate their own sittings, ATO staff their ATO's candidates', scheme staff all; analysts none. */
export function canSeeSitting(
  viewer: Viewer,
  sitting: Pick<SittingEntity, 'candidateId' | 'atoId'>,
): boolean {
  if (isSchemeStaff(viewer)) return true;
  if (viewer.role === 'candidate') return viewer.candidateId === sitting.candidateId;
  if (viewer.role === 'ato_staff') return sitting.atoId !== null && viewer.atoId === sitting.atoId;
  return false;
}

export function assertCanSeeSitting(
  viewer: Viewer,
  sitting: Pick<SittingEntity, 'candidateId' | 'atoId'>,
): void {
  if (canSeeSitting(viewer, sitting)) return;
  requireAuthenticated(viewer);
  if (viewer.role === 'analyst')
    throw forbidden('Analysts see exam statistics only, never an individual sitting');
  throw forbidden('Only the candidate, their ATO or scheme staff may see this sitting');
}

/**
 * Scores are seen by scheme staff once marked; by the candidate and their ATO once released, and
 * never after a void (the result no longer stands).
 */
export function canSeeResult(viewer: Viewer, sitting: SittingEntity): boolean {
  if (sitting.score === null) return false;
  if (isSchemeStaff(viewer)) return true;
  return sitting.state === 'RELEASED' && canSeeSitting(viewer, sitting);
}

/** Runs a command, turning broken exam-office rules into the client errors the API promises. */
export async function asClientErrors<T>(command: () => Promise<T>): Promise<T> {
  try {
    return await command();
  } catch (error) {
    if (error instanceof ExamRuleViolation) throw clientError(error.code, error.message);
    // two registrations of one candidate racing past the check meet the unique index instead
    if (
      (error as { code?: string; constraint?: string }).code === '23505' &&
      (error as { constraint?: string }).constraint === 'uq_sittings_session_candidate'
    ) {
      throw clientError('CONFLICT', 'the candidate is already registered for this session');
    }
    throw error;
  }
}
