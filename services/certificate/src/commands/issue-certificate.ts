import { signCredential, statusListEntry } from '@iso20000/credentials';
import { createHash } from 'node:crypto';
import { Events, recordEvent, type PayloadOf } from '@iso20000/events';
import type { Logger } from '@iso20000/service-kit';
import type { EntityManager } from 'typeorm';
import { issuanceDueOn } from '../domain/business-days';
import { generateCertificateNumber } from '../domain/certificate-number';
import { buildCertificateCredential } from '../credentials/credential-documents';
import type { CertificateIssuer } from '../credentials/issuer';
import { AtoDeliveryPreferenceEntity } from '../entities/ato-delivery-preference.entity';
import { CertificateVersionEntity } from '../entities/certificate-version.entity';
import { CertificateEntity } from '../entities/certificate.entity';
import { HardCopyOrderEntity } from '../entities/hard-copy-order.entity';
import { VoidedSittingEntity } from '../entities/voided-sitting.entity';
import { newOrder, priceOf } from './hard-copy-order-steps';

export type SittingReleased = PayloadOf<typeof Events.ExamSittingReleased>;

// A sitting's certificate has one id and one number whenever it is issued: a certificate database
// restored from backup re-issues it from the stream as the same certificate, the one the other services
// and the holder already know, never a second one. Both come from the sitting id, itself a random
// uuid, so a number is no easier to guess than the sitting it was awarded for.
const CERTIFICATE_ID_NAMESPACE = Buffer.from('6f1d3c2a9b8e4f7d8c5a2e1b0d9f8a7c', 'hex');

/** A name-based (version 5) uuid of the sitting's certificate. */
export function certificateIdFor(sittingId: string): string {
  const hash = createHash('sha1')
    .update(CERTIFICATE_ID_NAMESPACE)
    .update(`certificate:${sittingId}`)
    .digest();
  hash[6] = (hash[6] & 0x0f) | 0x50;
  hash[8] = (hash[8] & 0x3f) | 0x80;
  const hex = hash.subarray(0, 16).toString('hex');
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-${hex.slice(12, 16)}-${hex.slice(16, 20)}-${hex.slice(20)}`;
}

/** The digits of a sitting's certificate number: one byte per character, 256 being a multiple of 32. */
function sittingDigits(sittingId: string, attempt: number): (max: number) => number {
  const bytes = createHash('sha256').update(`certificate-number:${sittingId}:${attempt}`).digest();
  let next = 0;
  return (max) => bytes[next++ % bytes.length] % max;
}

async function unusedCertificateNumber(
  manager: EntityManager,
  sittingId: string,
  examCode: CertificateEntity['examCode'],
  year: number,
): Promise<string> {
  // 32^7 numbers per exam and year: a collision is rare, but the unique constraint would fail the
  // whole issuance, so look first; the attempts are the same sequence for the same sitting.
  for (let attempt = 0; attempt < 10; attempt++) {
    const number = generateCertificateNumber(examCode, year, sittingDigits(sittingId, attempt));
    if (!(await manager.existsBy(CertificateEntity, { number }))) return number;
  }
  throw new Error('could not find an unused certificate number in 10 attempts');
}

/**
 * A released pass: record the certificate (PENDING, due in two business days) and issue it at once.
 * Idempotent per sitting, whatever the event id: a second release of the same sitting changes nothing.
 */
export async function recordReleasedPass(
  manager: EntityManager,
  release: SittingReleased,
  issuer: CertificateIssuer,
  logger: Logger,
  requestId?: string,
): Promise<CertificateEntity | null> {
  if (!release.passed) return null;
  const existing = await manager.findOneBy(CertificateEntity, { sittingId: release.sittingId });
  if (existing) {
    logger.info(
      { certificateId: existing.id, sittingId: release.sittingId },
      'sitting already has a certificate; release ignored',
    );
    return existing;
  }
  if (await manager.existsBy(VoidedSittingEntity, { sittingId: release.sittingId })) {
    logger.warn({ sittingId: release.sittingId }, 'release of a voided sitting; no certificate issued');
    return null;
  }
  const releasedAt = new Date(release.releasedAt);
  const [{ index }] = (await manager.query(
    `SELECT nextval('certificate_status_list_index_seq')::int AS "index"`,
  )) as { index: number }[];
  const certificate = manager.create(CertificateEntity, {
    id: certificateIdFor(release.sittingId),
    number: await unusedCertificateNumber(
      manager,
      release.sittingId,
      release.examCode,
      releasedAt.getUTCFullYear(),
    ),
    sittingId: release.sittingId,
    candidateId: release.candidateId,
    holderName: release.candidateName,
    examCode: release.examCode,
    language: release.language,
    atoId: release.atoId,
    sessionId: release.sessionId,
    satOn: release.satOn,
    percentage: release.percentage,
    trainerEligible: release.trainerEligible,
    releasedAt,
    dueOn: issuanceDueOn(releasedAt, issuer.calendar),
    status: 'PENDING',
    issuedAt: null,
    version: 0,
    statusListIndex: index,
    revokedAt: null,
    revocationReason: null,
    createdAt: new Date(),
  });
  await manager.insert(CertificateEntity, certificate);
  await createAutomaticHardCopyOrder(manager, certificate);

  // Issuing in a savepoint: should signing fail, the release stays recorded as PENDING, the sweep
  // retries it, and the overdue report shows it to staff instead of the event going to dead letter.
  try {
    await manager.transaction((inner) => issuePendingCertificate(inner, certificate, issuer, requestId));
  } catch (err) {
    logger.error({ err, certificateId: certificate.id }, 'issuing the certificate failed; it stays pending');
  }
  return certificate;
}

/** Signs version 1 of a pending certificate, marks it ISSUED and announces it. */
export async function issuePendingCertificate(
  manager: EntityManager,
  certificate: CertificateEntity,
  issuer: CertificateIssuer,
  requestId?: string,
): Promise<void> {
  const issuedAt = new Date();
  const jwt = await signCredential(
    buildCertificateCredential(issuer.profile, {
      number: certificate.number,
      holderName: certificate.holderName,
      examCode: certificate.examCode,
      language: certificate.language,
      issuedAt,
      awardedAt: issuedAt,
      version: 1,
      ...statusListEntry(certificate.statusListIndex),
    }),
    issuer.key,
  );
  await manager.insert(CertificateVersionEntity, {
    certificateId: certificate.id,
    version: 1,
    holderName: certificate.holderName,
    issuedAt,
    credentialJwt: jwt,
    reason: null,
    issuedBy: null,
  });
  const updated = await manager.update(
    CertificateEntity,
    { id: certificate.id, status: 'PENDING' },
    { status: 'ISSUED', issuedAt, version: 1 },
  );
  if (updated.affected !== 1) throw new Error(`certificate ${certificate.id} is no longer pending`);
  Object.assign(certificate, { status: 'ISSUED', issuedAt, version: 1 });
  await recordEvent(
    manager,
    Events.CertificateIssued,
    {
      certificateId: certificate.id,
      number: certificate.number,
      sittingId: certificate.sittingId,
      candidateId: certificate.candidateId,
      holderName: certificate.holderName,
      examCode: certificate.examCode,
      language: certificate.language,
      atoId: certificate.atoId,
      issuedAt: issuedAt.toISOString(),
      percentage: certificate.percentage,
      trainerEligible: certificate.trainerEligible,
    },
    { requestId },
  );
}

/**
 * The ATO asked for paper and electronic: the paper copy is ordered with the certificate, paid by
 * the ATO's course. Sent to the ATO (its address is known) or to the candidate (who gives theirs).
 */
async function createAutomaticHardCopyOrder(
  manager: EntityManager,
  certificate: CertificateEntity,
): Promise<HardCopyOrderEntity | null> {
  if (!certificate.atoId) return null;
  const preference = await manager.findOneBy(AtoDeliveryPreferenceEntity, { atoId: certificate.atoId });
  if (!preference || preference.format !== 'PAPER_AND_ELECTRONIC') return null;
  const toAto = preference.recipient === 'ATO' && preference.atoAddress !== null;
  const now = new Date();
  const order = newOrder(certificate, await priceOf(manager, 'ORIGINAL'), {
    origin: 'ATO_DELIVERY_PREFERENCE',
    recipient: toAto ? 'ATO' : 'CANDIDATE',
    status: toAto ? 'PAID' : 'AWAITING_ADDRESS',
    shippingAddress: toAto ? preference.atoAddress : null,
    paidBy: 'ATO',
    paidAt: toAto ? now : null,
    createdAt: now,
  });
  await manager.insert(HardCopyOrderEntity, order);
  return order;
}
