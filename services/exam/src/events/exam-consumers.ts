import { ConsumerFreshness, EventConsumer, Events } from '@iso20000/events';
import type { BackgroundWorker, Logger } from '@iso20000/service-kit';
import type { NatsConnection } from 'nats';
import type { DataSource } from 'typeorm';

export interface ConsumerDeps {
  dataSource: DataSource;
  nc: NatsConnection;
  namespace?: string;
  logger: Logger;
}

const ATO_STATUS_DURABLE = 'exam-ato-status';

/** Shows the copy of ATO statuses current (or not), for registrations that depend on an ATO's accreditation. */
export function createAtoStatusFreshness(deps: {
  nc: NatsConnection;
  namespace?: string;
  logger: Logger;
  maxStalenessMs: number;
}): ConsumerFreshness {
  return new ConsumerFreshness({
    ...deps,
    durableName: ATO_STATUS_DURABLE,
    event: Events.AtoStatusChanged,
    copyOf: 'ATO accreditation status',
  });
}

/**
 * What the exam service learns from others, asynchronously (never by calling them during a
 * registration): which ATOs are accredited, and which candidates hold a Foundation certificate.
 */
export function createExamConsumers(deps: ConsumerDeps): BackgroundWorker[] {
  const base = { dataSource: deps.dataSource, nc: deps.nc, namespace: deps.namespace, logger: deps.logger };
  return [
    new EventConsumer({
      ...base,
      durableName: ATO_STATUS_DURABLE,
      event: Events.AtoStatusChanged,
      handle: async (p, { manager }) => {
        // events can overtake each other; an older change never overwrites a newer one
        await manager.query(
          `INSERT INTO "ato_statuses" ("ato_id", "name", "country", "status", "changed_at") VALUES ($1, $2, $3, $4, $5)
           ON CONFLICT ("ato_id") DO UPDATE SET "name" = EXCLUDED."name", "country" = EXCLUDED."country",
             "status" = EXCLUDED."status", "changed_at" = EXCLUDED."changed_at"
           WHERE "ato_statuses"."changed_at" <= EXCLUDED."changed_at"`,
          [p.atoId, p.name, p.country, p.status, p.changedAt],
        );
      },
    }),
    new EventConsumer({
      ...base,
      durableName: 'exam-certificate-issued',
      event: Events.CertificateIssued,
      handle: async (p, { manager }) => {
        await manager.query(
          `INSERT INTO "candidate_qualifications" ("certificate_id", "candidate_id", "exam_code", "certificate_number", "sitting_id", "issued_at", "revoked_at")
           VALUES ($1, $2, $3, $4, $5, $6, NULL) ON CONFLICT ("certificate_id") DO NOTHING`,
          [p.certificateId, p.candidateId, p.examCode, p.number, p.sittingId, p.issuedAt],
        );
      },
    }),
    new EventConsumer({
      ...base,
      durableName: 'exam-certificate-revoked',
      event: Events.CertificateRevoked,
      handle: async (p, { manager }) => {
        await manager.query(
          `UPDATE "candidate_qualifications" SET "revoked_at" = $2 WHERE "certificate_id" = $1 AND "revoked_at" IS NULL`,
          [p.certificateId, p.revokedAt],
        );
      },
    }),
  ];
}
