import { schemeExam, type ExamCode } from '@iso20000/scheme';
import type { CertificateEntity } from '../entities/certificate.entity';
import { parseCertificateNumber } from './certificate-number';

/** What verification answers the public (the schema's CertificateVerification). */
export interface CertificateVerificationAnswer {
  status: 'VALID' | 'REVOKED' | 'NOT_FOUND' | 'INVALID_NUMBER';
  number: string;
  message: string;
  holderName?: string | null;
  examCode?: ExamCode | null;
  examTitle?: string | null;
  issuedOn?: string | null;
  revokedOn?: string | null;
}

const day = (instant: Date | null) => (instant ? instant.toISOString().slice(0, 10) : null);

/** The public answer about a certificate number: only what the certificate itself shows. */
export function verificationOf(certificate: CertificateEntity): CertificateVerificationAnswer {
  const printed = {
    number: certificate.number,
    holderName: certificate.holderName,
    examCode: certificate.examCode,
    examTitle: schemeExam(certificate.examCode).name,
    issuedOn: day(certificate.issuedAt),
  };
  if (certificate.status === 'REVOKED') {
    const revokedOn = day(certificate.revokedAt);
    return {
      status: 'REVOKED',
      ...printed,
      revokedOn,
      message: `Certificate ${certificate.number} was revoked on ${revokedOn} and is no longer valid.`,
    };
  }
  return {
    status: 'VALID',
    ...printed,
    revokedOn: null,
    message: `Certificate ${certificate.number} is valid: ${printed.examTitle}, held by ${certificate.holderName}, issued on ${printed.issuedOn}.`,
  };
}

export async function verifyCertificateNumber(
  input: string,
  findIssued: (number: string) => Promise<CertificateEntity | null>,
): Promise<CertificateVerificationAnswer> {
  const parsed = parseCertificateNumber(input);
  if (!parsed.ok)
    return { status: 'INVALID_NUMBER', number: input.trim().slice(0, 64), message: parsed.message };
  const certificate = await findIssued(parsed.number);
  // A pending certificate is not issued yet: for the public it does not exist.
  if (!certificate || certificate.status === 'PENDING') {
    return {
      status: 'NOT_FOUND',
      number: parsed.number,
      message: `No certificate ${parsed.number} was issued by the scheme. Check the number against the certificate.`,
    };
  }
  return verificationOf(certificate);
}
