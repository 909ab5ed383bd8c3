import { EventConsumer, Events } from '@iso20000/events';
import type { Logger } from '@iso20000/service-kit';
import type { NatsConnection } from 'nats';
import type { DataSource } from 'typeorm';
import { recordReleasedPass } from '../commands/issue-certificate';
import { recordAtoDeliveryPreference } from '../commands/record-ato-delivery-preference';
import { revokeVoidedSitting } from '../commands/revoke-voided-sitting';
import type { CertificateIssuer } from '../credentials/issuer';

interface ConsumerDeps {
  dataSource: DataSource;
  nc: NatsConnection;
  namespace?: string;
  logger: Logger;
  issuer: CertificateIssuer;
}

/**
 * What the certificate service listens to: releases (issue), voids (revoke), ATO delivery
 * preferences. Each handler runs one command in the consumer's transaction, with its inbox row.
 */
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
    handle: (voided, { manager, envelope, logger: eventLogger }) =>
      revokeVoidedSitting(manager, voided, eventLogger, envelope.requestId),
  });

  const followDeliveryPreference = new EventConsumer({
    ...common,
    durableName: 'certificate-ato-delivery-preference',
    event: Events.AtoDeliveryPreferenceChanged,
    handle: (change, { manager }) => recordAtoDeliveryPreference(manager, change),
  });

  return [issueOnRelease, revokeOnVoid, followDeliveryPreference] as EventConsumer<unknown>[];
}
