import { isSchemeStaff, requireRole, requireSchemeStaff, type Viewer } from '@iso20000/auth';
import { forbidden, unauthenticated } from '@iso20000/service-kit';
import type { CertificateEntity } from './entities/certificate.entity';

/** Who may do what with certificates, badges and hard copies: every rule of this service is here. */

/** "You see your own": the holder, staff of the ATO it was earned through, scheme staff. */
export function canSeeCertificate(viewer: Viewer, certificate: CertificateEntity): boolean {
  switch (viewer.role) {
    case 'scheme_staff':
      return true;
    case 'candidate':
      return viewer.candidateId === certificate.candidateId;
    case 'ato_staff':
      return certificate.atoId !== null && viewer.atoId === certificate.atoId;
    default:
      return false;
  }
}

/** The public learns only the verification answer; other roles without access get FORBIDDEN. */
export function requireCertificateAccess(viewer: Viewer, certificate: CertificateEntity): void {
  if (canSeeCertificate(viewer, certificate)) return;
  if (viewer.role === 'public')
    throw unauthenticated('Sign in to see certificates; anyone can verify one with verifyCertificate.');
  throw forbidden('Only the holder, staff of their ATO or scheme staff may see this certificate');
}

/** Claiming the badge, ordering a paper copy, giving its address: the holder's own acts. */
export function requireHolder(viewer: Viewer, certificate: CertificateEntity): void {
  if (viewer.role === 'candidate' && viewer.candidateId === certificate.candidateId) return;
  if (viewer.role === 'public') throw unauthenticated('Sign in as the certificate holder to do this');
  throw forbidden('Only the certificate holder may do this');
}

/** Corrections, revocations, the overdue report and the print queue's steps. */
export function requireStaff(viewer: Viewer): void {
  requireSchemeStaff(viewer);
}

/**
 * The ATO whose certificates a list may show: scheme staff choose (or see all, null); ATO staff
 * always their own, and asking for another ATO's is FORBIDDEN.
 */
export function certificateListAto(viewer: Viewer, requestedAtoId: string | null): string | null {
  requireRole(viewer, 'scheme_staff', 'ato_staff');
  if (viewer.role === 'scheme_staff') return requestedAtoId;
  if (requestedAtoId !== null && requestedAtoId !== viewer.atoId)
    throw forbidden("ATO staff see only their own ATO's certificates");
  if (!viewer.atoId) throw forbidden('This ATO staff account names no ATO');
  return viewer.atoId;
}

/** Whose hard copy orders a viewer lists: all of them for scheme staff, else one ATO's or one candidate's. */
export type HardCopyOrderScope = { all: true } | { atoId: string } | { candidateId: string };

export function hardCopyOrderScope(viewer: Viewer): HardCopyOrderScope {
  requireRole(viewer, 'scheme_staff', 'ato_staff', 'candidate');
  if (viewer.role === 'ato_staff') {
    if (!viewer.atoId) throw forbidden('This ATO staff account names no ATO');
    return { atoId: viewer.atoId };
  }
  if (viewer.role === 'candidate') {
    if (!viewer.candidateId) throw forbidden('This candidate account names no candidate');
    return { candidateId: viewer.candidateId };
  }
  return { all: true };
}

/** A candidate's certificates: the candidate, ATO staff and scheme staff; then filtered per certificate. */
export function requireCandidateCertificatesReader(viewer: Viewer, candidateId: string): void {
  requireRole(viewer, 'candidate', 'ato_staff', 'scheme_staff');
  if (viewer.role === 'candidate' && viewer.candidateId !== candidateId) {
    throw forbidden('Candidates see only their own certificates');
  }
}

/** Of a candidate's certificates, those this viewer may see (ATO staff: earned through their ATO). */
export function visibleCertificates(viewer: Viewer, certificates: CertificateEntity[]): CertificateEntity[] {
  return isSchemeStaff(viewer) ? certificates : certificates.filter((c) => canSeeCertificate(viewer, c));
}

/**
 * Cancelling an order: scheme staff any order; the holder their own, and only while nobody has
 * paid for it (the command checks that on the locked order).
 */
export function hardCopyCanceller(viewer: Viewer, certificate: CertificateEntity): 'staff' | 'holder' {
  if (viewer.role === 'scheme_staff') return 'staff';
  requireHolder(viewer, certificate);
  return 'holder';
}
