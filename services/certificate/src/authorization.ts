import type { Viewer } from '@iso20000/auth';
import { forbidden, unauthenticated } from '@iso20000/service-kit';
import type { CertificateEntity } from './entities/certificate.entity';

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

export function requireHolder(viewer: Viewer, certificate: CertificateEntity): void {
  if (viewer.role === 'candidate' && viewer.candidateId === certificate.candidateId) return;
  if (viewer.role === 'public') throw unauthenticated('Sign in as the certificate holder to do this');
  throw forbidden('Only the certificate holder may do this');
}
