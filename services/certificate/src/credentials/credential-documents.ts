import { statusListEntryOf, type JsonObject } from '@iso20000/credentials';
import { schemeExam, type ExamCode } from '@iso20000/scheme';

/**
 * The certificate as an Open Badges 3.0 credential (a W3C Verifiable Credential 2.0), and the
 * certificate's public addresses. Plain JSON builders; signing and the status list credential are in
 * @iso20000/credentials.
 */
export interface IssuerProfile {
  /** Base of every public address: credential ids, badge pages, the status list, the issuer. */
  baseUrl: string;
  name: string;
}

/** The exam's name as the scheme publishes it, e.g. ISO/IEC 20000 Foundation. */
export function examTitle(code: ExamCode): string {
  return schemeExam(code).name;
}

const EXAM_DESCRIPTIONS: Record<ExamCode, string> = {
  FOUNDATION:
    'Understands the requirements of ISO/IEC 20000-1 for a service management system and the need for continual improvement.',
  PRACTITIONER:
    'Can advise organizations on implementing a service management system and on achieving conformance to ISO/IEC 20000-1.',
  AUDITOR: 'Can audit organizations for conformity with ISO/IEC 20000-1 and identify improvements.',
};

export function publicUrls(issuer: IssuerProfile) {
  const base = issuer.baseUrl.replace(/\/+$/, '');
  return {
    issuerId: `${base}/issuer`,
    jwks: `${base}/.well-known/jwks.json`,
    statusList: (list: number) => `${base}/status-lists/${list}`,
    certificate: (number: string) => `${base}/certificates/${number}`,
    verification: (number: string) => `${base}/verify/${number}`,
    badgePage: (badgeId: string) => `${base}/badges/${badgeId}`,
    badgeImage: (examCode: ExamCode) => `${base}/badge-images/${examCode.toLowerCase()}.png`,
    achievement: (examCode: ExamCode) => `${base}/achievements/${examCode.toLowerCase()}`,
  };
}

export interface CertificateFacts {
  number: string;
  holderName: string;
  examCode: ExamCode;
  language: string;
  /** When this version of the document was issued (a name correction issues a new version). */
  issuedAt: Date;
  /** When the certificate was first awarded. */
  awardedAt: Date;
  version: number;
  /** Which status list and which entry in it record this certificate's revocation. */
  statusList: number;
  statusListIndex: number;
}

export function buildCertificateCredential(issuer: IssuerProfile, facts: CertificateFacts): JsonObject {
  const urls = publicUrls(issuer);
  const title = examTitle(facts.examCode);
  return {
    '@context': [
      'https://www.w3.org/ns/credentials/v2',
      'https://purl.imsglobal.org/spec/ob/v3p0/context-3.0.3.json',
    ],
    id: urls.certificate(facts.number),
    type: ['VerifiableCredential', 'OpenBadgeCredential'],
    issuer: { id: urls.issuerId, type: ['Profile'], name: issuer.name },
    name: `${title} certificate ${facts.number}`,
    validFrom: facts.issuedAt.toISOString(),
    awardedDate: facts.awardedAt.toISOString(),
    credentialSubject: {
      type: ['AchievementSubject'],
      // Holder identified by name, unhashed: exactly what the printed certificate shows.
      identifier: [
        { type: 'IdentityObject', identityType: 'name', hashed: false, identityHash: facts.holderName },
      ],
      achievement: {
        id: urls.achievement(facts.examCode),
        type: ['Achievement'],
        achievementType: 'Certificate',
        name: title,
        description: EXAM_DESCRIPTIONS[facts.examCode],
        criteria: { narrative: `Passed the ${title} examination of the ISO/IEC 20000 certification scheme.` },
        inLanguage: facts.language,
      },
    },
    credentialStatus: statusListEntryOf(
      urls.statusList(facts.statusList),
      facts.statusListIndex,
      'revocation',
    ),
    // Which version of the document this is: a holder-name correction reissues with the same number.
    evidence: [{ type: ['Evidence'], name: `Certificate ${facts.number}, version ${facts.version}` }],
  };
}
