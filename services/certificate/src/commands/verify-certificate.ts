import { refuse } from '@iso20000/service-kit';
import { verifyCertificateNumber, type CertificateVerificationAnswer } from '../domain/verification';
import type { CertificateEntity } from '../entities/certificate.entity';
import type { RateLimiter } from '../rate-limit';

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
  deps: { rateLimiter: RateLimiter; findByNumber: (number: string) => Promise<CertificateEntity | null> },
  { number, clientKey }: VerifyCertificateCommand,
): Promise<CertificateVerificationAnswer> {
  const decision = await deps.rateLimiter.take(clientKey);
  if (!decision.allowed) {
    throw refuse.rateLimited(
      `Too many verifications from this client; try again in ${decision.retryAfterSeconds} seconds.`,
      { retryAfterSeconds: decision.retryAfterSeconds },
    );
  }
  return verifyCertificateNumber(number, deps.findByNumber);
}
