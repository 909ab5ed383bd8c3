import { EventConsumer, Events } from '@iso20000/events';
import type { Logger } from '@iso20000/service-kit';
import type { NatsConnection } from 'nats';
import type { DataSource } from 'typeorm';
import type { CertificateIssuer } from '../credentials/issuer';
import { AtoDeliveryPreferenceEntity } from '../entities/ato-delivery-preference.entity';
import { CertificateEntity } from '../entities/certificate.entity';
import { recordReleasedPass } from '../use-cases/issue-certificate';
import { revokeCertificate } from '../use-cases/revoke-certificate';

interface ConsumerDeps {
  dataSource: DataSource;
  nc: NatsConnection;
  namespace?: string;
  logger: Logger;
  issuer: CertificateIssuer;
}

/** What the certificate service listens to: releases (issue), voids (revoke), ATO delivery preferences. */
export function createCertificateConsumers(deps: ConsumerDeps): EventConsumer<unknown>[] {
  const { dataSource, nc, namespace, logger, issuer } = deps;
  const common = { dataSource, nc, namespace, logger };

  const issueOnRelease = new EventConsumer({
    ...common,
    durableName: 'certificate-issue-on-release',
    event: Events.ExamSittingReleased,
    handle: async (release, { manager, envelope, logger: eventLogger }) => {
      await recordReleasedPass(manager, release, issuer, eventLogger, envelope.requestId);
    },
  });

  const revokeOnVoid = new EventConsumer({
    ...common,
    durableName: 'certificate-revoke-on-void',
    event: Events.ExamSittingVoided,
    handle: async (voided, { manager, envelope, logger: eventLogger }) => {
      const voidedAt = new Date(voided.voidedAt);
      // Remembered even without a certificate yet: the release may be handled after this void.
      await manager.query(
        `INSERT INTO "voided_sitting" ("sitting_id", "reason", "voided_at") VALUES ($1, $2, $3) ON CONFLICT ("sitting_id") DO NOTHING`,
        [voided.sittingId, voided.reason, voidedAt],
      );
      const certificate = await manager.findOneBy(CertificateEntity, { sittingId: voided.sittingId });
      if (!certificate) return;
      await revokeCertificate(manager, certificate.id, `Sitting voided: ${voided.reason}`, voidedAt, {
        requestId: envelope.requestId,
        alreadyRevoked: 'ignore',
      });
      eventLogger.info({ certificateId: certificate.id }, 'certificate revoked: sitting voided');
    },
  });

  const followDeliveryPreference = new EventConsumer({
    ...common,
    durableName: 'certificate-ato-delivery-preference',
    event: Events.AtoDeliveryPreferenceChanged,
    handle: async (change, { manager }) => {
      // Only a newer change replaces the stored preference: events may be handled out of order.
      await manager
        .createQueryBuilder()
        .insert()
        .into(AtoDeliveryPreferenceEntity)
        .values({
          atoId: change.atoId,
          format: change.format,
          recipient: change.recipient,
          atoAddress: change.atoAddress,
          changedAt: new Date(change.changedAt),
        })
        .orUpdate(['format', 'recipient', 'ato_address', 'changed_at'], ['ato_id'], {
          overwriteCondition: { where: `"ato_delivery_preference"."changed_at" < EXCLUDED."changed_at"` },
        })
        .execute();
    },
  });

  return [issueOnRelease, revokeOnVoid, followDeliveryPreference] as EventConsumer<unknown>[];
}
