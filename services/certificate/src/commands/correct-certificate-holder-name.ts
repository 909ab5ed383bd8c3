import { signCredential, statusListEntry } from '@iso20000/credentials';
import { refuse } from '@iso20000/service-kit';
import type { DataSource } from 'typeorm';
import { buildCertificateCredential } from '../credentials/credential-documents';
import type { CertificateIssuer } from '../credentials/issuer';
import { CertificateVersionEntity } from '../entities/certificate-version.entity';
import { CertificateEntity } from '../entities/certificate.entity';

export interface CorrectCertificateHolderNameCommand {
  certificateId: string;
  holderName: string;
  reason: string;
  /** The staff member's subject, kept with the version. */
  correctedBy: string | null;
}

/** Reissues the document with a corrected holder name: same number, next version, history kept. */
export async function correctCertificateHolderName(
  dataSource: DataSource,
  issuer: CertificateIssuer,
  { certificateId, holderName, reason, correctedBy }: CorrectCertificateHolderNameCommand,
): Promise<CertificateEntity> {
  return dataSource.transaction(async (manager) => {
    const certificate = await manager.findOne(CertificateEntity, {
      where: { id: certificateId },
      lock: { mode: 'pessimistic_write' },
    });
    if (!certificate) throw refuse.notFound(`No certificate ${certificateId}`);
    if (certificate.status !== 'ISSUED') {
      throw refuse.conflict(
        `Certificate ${certificate.number} is ${certificate.status}; only an issued certificate can be reissued.`,
      );
    }
    if (certificate.holderName === holderName) {
      throw refuse.conflict(`The certificate already shows the name "${holderName}"; nothing to correct.`);
    }
    const version = certificate.version + 1;
    const issuedAt = new Date();
    const jwt = await signCredential(
      buildCertificateCredential(issuer.profile, {
        number: certificate.number,
        holderName,
        examCode: certificate.examCode,
        language: certificate.language,
        issuedAt,
        awardedAt: certificate.issuedAt ?? issuedAt,
        version,
        ...statusListEntry(certificate.statusListIndex),
      }),
      issuer.key,
    );
    await manager.insert(CertificateVersionEntity, {
      certificateId: certificate.id,
      version,
      holderName,
      issuedAt,
      credentialJwt: jwt,
      reason,
      issuedBy: correctedBy,
    });
    await manager.update(CertificateEntity, { id: certificate.id }, { holderName, version });
    return Object.assign(certificate, { holderName, version });
  });
}
