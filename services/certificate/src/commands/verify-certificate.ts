import type { PostgresRateLimiter } from '@iso20000/service-kit';
import { verifyCertificateNumber, type CertificateVerificationAnswer } from '../domain/verification';
import type { CertificateEntity } from '../entities/certificate.entity';

export interface VerifyCertificateCommand {
  number: string;
  /** Whose verification budget this spends (see rateLimitClientKey). */
  clientKey: string;
}

/**
 * Anyone verifies a certificate number; each verification spends a token of the client's budget
 * first, so numbers cannot be enumerated.
 */
export async function verifyCertificate(
  deps: {
    verificationBudget: PostgresRateLimiter;
    findByNumber: (number: string) => Promise<CertificateEntity | null>;
  },
  { number, clientKey }: VerifyCertificateCommand,
): Promise<CertificateVerificationAnswer> {
  await deps.verificationBudget.spend(clientKey, 'verifications');
  return verifyCertificateNumber(number, deps.findByNumber);
}
