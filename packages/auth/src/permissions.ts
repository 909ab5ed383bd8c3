import { forbidden, unauthenticated } from './auth-errors';
import type { Role, Viewer } from './viewer';

const ROLE_NAMES: Record<Role, string> = {
  public: 'the public',
  candidate: 'candidates',
  ato_staff: 'ATO staff',
  rcb_integration: 'RCB integrations',
  relying_party: 'relying parties',
  analyst: 'analysts',
  scheme_staff: 'scheme staff',
};

export function isSchemeStaff(viewer: Viewer): boolean {
  return viewer.role === 'scheme_staff';
}

/** Throws UNAUTHENTICATED for the public viewer. */
export function requireAuthenticated(viewer: Viewer): void {
  if (viewer.role === 'public') throw unauthenticated('Sign in to do this');
}

/** Throws UNAUTHENTICATED for the public (unless 'public' is listed), FORBIDDEN for any other role not listed. */
export function requireRole<R extends Role>(
  viewer: Viewer,
  ...roles: R[]
): asserts viewer is Viewer & { role: R } {
  if ((roles as Role[]).includes(viewer.role)) return;
  requireAuthenticated(viewer);
  throw forbidden(`Only ${listOf(roles.map((role) => ROLE_NAMES[role]))} may do this`);
}

export function requireSchemeStaff(viewer: Viewer): asserts viewer is Viewer & { role: 'scheme_staff' } {
  requireRole(viewer, 'scheme_staff');
}

/** That candidate, or scheme staff. */
export function requireCandidate(viewer: Viewer, candidateId: string): void {
  if (isSchemeStaff(viewer)) return;
  if (viewer.role === 'candidate' && viewer.candidateId === candidateId) return;
  requireAuthenticated(viewer);
  throw forbidden("Only the candidate themselves or scheme staff may see this candidate's data");
}

/** Staff of that ATO, or scheme staff. */
export function requireAtoAccess(viewer: Viewer, atoId: string): void {
  if (isSchemeStaff(viewer)) return;
  if (viewer.role === 'ato_staff' && viewer.atoId === atoId) return;
  requireAuthenticated(viewer);
  throw forbidden("Only this ATO's own staff or scheme staff may do this");
}

/** That RCB's integration, or scheme staff. */
export function requireRcbAccess(viewer: Viewer, rcbId: string): void {
  if (isSchemeStaff(viewer)) return;
  if (viewer.role === 'rcb_integration' && viewer.rcbId === rcbId) return;
  requireAuthenticated(viewer);
  throw forbidden("Only this RCB's own integration or scheme staff may do this");
}

/** The relying party a viewer stands for, or null when it is none. */
export function relyingPartyOf(viewer: Viewer): string | null {
  return viewer.role === 'relying_party' ? (viewer.relyingPartyId ?? null) : null;
}

function listOf(names: string[]): string {
  if (names.length <= 1) return names[0] ?? 'nobody';
  return `${names.slice(0, -1).join(', ')} or ${names[names.length - 1]}`;
}
