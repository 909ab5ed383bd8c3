import { EventConsumer, Events } from '@iso20000/events';
import type { Logger } from '@iso20000/service-kit';
import type { NatsConnection } from 'nats';
import type { DataSource } from 'typeorm';
import { TrainerQualificationEntity } from '../entities/trainer-qualification.entity';

interface ConsumerDeps {
  dataSource: DataSource;
  nc: NatsConnection;
  namespace?: string;
  logger: Logger;
}

/**
 * Trainer eligibility rests on certificates: we keep our own copy of who holds which certificate
 * with which score, fed by the certificate service's events (no synchronous calls).
 */
export function createQualificationConsumers(deps: ConsumerDeps): EventConsumer<unknown>[] {
  const issued = new EventConsumer({
    ...deps,
    durableName: 'accreditation-certificate-issued',
    event: Events.CertificateIssued,
    async handle(payload, { manager }) {
      // Upsert: a redelivery (or a replay) rewrites the same row.
      await manager
        .createQueryBuilder()
        .insert()
        .into(TrainerQualificationEntity)
        .values({
          certificateId: payload.certificateId,
          certificateNumber: payload.number,
          candidateId: payload.candidateId,
          holderName: payload.holderName,
          examCode: payload.examCode,
          percentage: payload.percentage,
          issuedAt: new Date(payload.issuedAt),
          revokedAt: null,
        })
        .orUpdate(
          ['certificate_number', 'candidate_id', 'holder_name', 'exam_code', 'percentage', 'issued_at'],
          ['certificate_id'],
        )
        .execute();
    },
  });
  const revoked = new EventConsumer({
    ...deps,
    durableName: 'accreditation-certificate-revoked',
    event: Events.CertificateRevoked,
    async handle(payload, { manager }) {
      const result = await manager.update(
        TrainerQualificationEntity,
        { certificateId: payload.certificateId },
        { revokedAt: new Date(payload.revokedAt) },
      );
      // The two events travel on separate consumers: if the revocation overtakes the issue, retry until it lands.
      if (!result.affected)
        throw new Error(`certificate ${payload.certificateId} is not known yet; retrying`);
    },
  });
  return [issued as EventConsumer<unknown>, revoked as EventConsumer<unknown>];
}
