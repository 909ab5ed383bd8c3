import {
  isSchemeStaff,
  requireAuthenticated,
  requireRole,
  requireSchemeStaff,
  type Viewer,
} from '@iso20000/auth';
import { refuse } from '@iso20000/service-kit';
import type { ExamRules } from './domain/exam-rules';
import type { SessionKind } from './domain/registration';
import type { ExamSessionEntity } from './entities/exam-session.entity';
import type { SittingEntity } from './entities/sitting.entity';
import type { SittingFilter } from './generated/graphql';

/**
 * Who may do and see what in the exam service, in one place. The rule is "you see your own": a
 * candidate their sittings, ATO staff their ATO's candidates and sessions, scheme staff everything;
 * analysts aggregates only. Resolvers call these before a command; commands call the ones that
 * need a locked row (the session of a sitting) inside their transaction.
 */

type SittingOwners = Pick<SittingEntity, 'candidateId' | 'atoId'>;
type SessionOwner = Pick<ExamSessionEntity, 'kind' | 'atoId'>;

/** A candidate their own sittings, ATO staff their ATO's candidates', scheme staff all; analysts none. */
export function canSeeSitting(viewer: Viewer, sitting: SittingOwners): boolean {
  if (isSchemeStaff(viewer)) return true;
  if (viewer.role === 'candidate') return viewer.candidateId === sitting.candidateId;
  if (viewer.role === 'ato_staff') return sitting.atoId !== null && viewer.atoId === sitting.atoId;
  return false;
}

export function assertCanSeeSitting(viewer: Viewer, sitting: SittingOwners): void {
  if (canSeeSitting(viewer, sitting)) return;
  requireAuthenticated(viewer);
  if (viewer.role === 'analyst')
    throw refuse.forbidden('Analysts see exam statistics only, never an individual sitting');
  throw refuse.forbidden('Only the candidate, their ATO or scheme staff may see this sitting');
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

/** Item responses, the form sat and answer keys: the scheme's most guarded data. */
export function canSeeScoringDetails(viewer: Viewer): boolean {
  return isSchemeStaff(viewer);
}

const NO_ONE = '00000000-0000-0000-0000-000000000000';

/** Narrows a sittings filter to what the viewer may see: their own, their ATO's, or (staff) anything. */
export function scopeSittingFilter(viewer: Viewer, filter: SittingFilter | null | undefined): SittingFilter {
  requireAuthenticated(viewer);
  const scoped: SittingFilter = { ...(filter ?? {}) };
  if (viewer.role === 'scheme_staff') return scoped;
  if (viewer.role === 'candidate') {
    if (scoped.candidateId && scoped.candidateId !== viewer.candidateId)
      throw refuse.forbidden('Candidates see their own sittings only');
    return { ...scoped, candidateId: viewer.candidateId ?? NO_ONE };
  }
  if (viewer.role === 'ato_staff') {
    if (scoped.atoId && scoped.atoId !== viewer.atoId)
      throw refuse.forbidden("ATO staff see their own ATO's candidates only");
    return { ...scoped, atoId: viewer.atoId ?? NO_ONE };
  }
  if (viewer.role === 'analyst')
    throw refuse.forbidden('Analysts see exam statistics only (examStatistics), never individual sittings');
  throw refuse.forbidden('Only candidates, ATO staff and scheme staff see sittings');
}

/** The signed-in candidate's own id (`me`). */
export function signedInCandidateId(viewer: Viewer): string {
  requireRole(viewer, 'candidate');
  if (!viewer.candidateId) throw refuse.forbidden('your sign-in carries no candidate id');
  return viewer.candidateId;
}

/**
 * A candidate's name: the candidate, scheme staff, and staff of an ATO the candidate sat with
 * (`isAtoCandidate` asks, batched, only when that is the question).
 */
export async function assertCanSeeCandidateName(
  viewer: Viewer,
  candidateId: string,
  isAtoCandidate: (atoId: string) => Promise<boolean>,
): Promise<void> {
  if (isSchemeStaff(viewer)) return;
  if (viewer.role === 'candidate' && viewer.candidateId === candidateId) return;
  if (viewer.role === 'ato_staff' && viewer.atoId && (await isAtoCandidate(viewer.atoId))) return;
  requireAuthenticated(viewer);
  throw refuse.forbidden("Only the candidate, their ATO or scheme staff may see a candidate's name");
}

/**
 * A candidate's sittings: all of them for the candidate and scheme staff; ATO staff only those
 * with their ATO (the returned atoId narrows the list).
 */
export function candidateSittingsScope(viewer: Viewer, candidateId: string): { atoId: string | null } {
  if (viewer.role === 'ato_staff' && viewer.atoId) return { atoId: viewer.atoId };
  if (isSchemeStaff(viewer) || (viewer.role === 'candidate' && viewer.candidateId === candidateId))
    return { atoId: null };
  requireAuthenticated(viewer);
  throw refuse.forbidden("Only the candidate, their ATO or scheme staff may see a candidate's sittings");
}

/** A session's sittings: scheme staff, and staff of the ATO whose session it is. */
export function assertCanSeeSessionSittings(viewer: Viewer, session: SessionOwner): void {
  requireRole(viewer, 'scheme_staff', 'ato_staff');
  if (viewer.role === 'ato_staff' && (session.atoId === null || viewer.atoId !== session.atoId))
    throw refuse.forbidden("ATO staff see their own sessions' sittings only");
}

/** Answer keys and the paper versions that carry them. */
export function authorizeExamForms(viewer: Viewer): void {
  requireSchemeStaff(viewer);
}

export function authorizeSetExamPrice(viewer: Viewer): void {
  requireSchemeStaff(viewer);
}

/**
 * Scheme staff schedule any session; staff of an ATO its own course sessions (whether the ATO is
 * accredited is the command's question). Public sessions are run by the scheme owner.
 */
export function authorizeScheduleExamSession(viewer: Viewer, kind: SessionKind, atoId: string | null): void {
  requireRole(viewer, 'scheme_staff', 'ato_staff');
  if (kind === 'ATO_COURSE' && viewer.role === 'ato_staff' && viewer.atoId !== atoId)
    throw refuse.forbidden('ATO staff schedule sessions for their own ATO only');
  if (kind === 'PUBLIC' && viewer.role !== 'scheme_staff')
    throw refuse.forbidden('public sessions are run by the scheme owner: scheme staff only');
}

/**
 * Whom the registration is for: a candidate registers themselves; staff (of the ATO, or of the
 * scheme) name the candidate. Which sessions ATO staff may register for: assertCanRegisterAt.
 */
export function authorizeRegisterForExam(
  viewer: Viewer,
  candidateId: string | null,
): { candidateId: string | null } {
  requireRole(viewer, 'candidate', 'ato_staff', 'scheme_staff');
  if (viewer.role !== 'candidate') return { candidateId };
  if (!viewer.candidateId) throw refuse.forbidden('your sign-in carries no candidate id');
  if (candidateId && candidateId !== viewer.candidateId)
    throw refuse.forbidden('candidates register themselves only');
  return { candidateId: viewer.candidateId };
}

export function assertCanRegisterAt(actor: Viewer, session: SessionOwner): void {
  if (actor.role === 'ato_staff' && (session.kind !== 'ATO_COURSE' || session.atoId !== actor.atoId))
    throw refuse.forbidden("ATO staff register candidates for their own ATO's course sessions only");
}

/** Attendance and marking: scheme staff, or staff of the ATO invigilating its own course session. */
export function authorizeInvigilation(viewer: Viewer): void {
  requireRole(viewer, 'scheme_staff', 'ato_staff');
}

function invigilates(actor: Viewer, session: SessionOwner): boolean {
  return actor.role === 'ato_staff' && session.kind === 'ATO_COURSE' && session.atoId === actor.atoId;
}

export function assertCanRecordAttendance(actor: Viewer, session: SessionOwner): void {
  if (actor.role === 'scheme_staff' || invigilates(actor, session)) return;
  throw refuse.forbidden('only scheme staff, or the ATO for its own course sessions, record attendance');
}

/** Foundation may be marked on location by the invigilating ATO; the others only centrally. */
export function assertCanMark(
  actor: Viewer,
  session: SessionOwner,
  exam: Pick<ExamRules, 'code' | 'marking'>,
): void {
  if (actor.role === 'scheme_staff') return;
  if (!invigilates(actor, session))
    throw refuse.forbidden('only scheme staff, or the ATO invigilating the session, may mark this sitting');
  if (exam.marking !== 'ON_LOCATION_OR_CENTRAL')
    throw refuse.forbidden(
      `${exam.code} answer sheets are marked centrally by scheme staff, not on location`,
    );
}

/** Prerequisite decisions, result release and voiding are the scheme's own. */
export function authorizeSchemeDecision(viewer: Viewer): void {
  requireSchemeStaff(viewer);
}

/**
 * Exam statistics: aggregates only, for analysts and scheme staff. Every other role, the public
 * included, gets FORBIDDEN: there is nothing here a candidate, an ATO or an RCB may see either.
 */
export function authorizeStatistics(viewer: Viewer): void {
  if (viewer.role === 'analyst' || viewer.role === 'scheme_staff') return;
  throw refuse.forbidden('Exam statistics are for analysts and scheme staff only');
}
