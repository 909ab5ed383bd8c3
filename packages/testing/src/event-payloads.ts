import { randomUUID } from 'node:crypto';
import { type Events, type EventDefinition, type PayloadOf } from '@iso20000/events';

const now = () => new Date().toISOString();

/** A valid payload for every event of the catalogue (fresh ids each call). */
export function validPayloads(): { [K in keyof typeof Events]: PayloadOf<(typeof Events)[K]> } {
  return {
    ExamSittingReleased: {
      sittingId: randomUUID(),
      candidateId: randomUUID(),
      candidateName: 'Ana Lima',
      examCode: 'PRACTITIONER',
      language: 'pt-BR',
      atoId: randomUUID(),
      sessionId: randomUUID(),
      score: 56,
      maxScore: 80,
      percentage: 70,
      passed: true,
      trainerEligible: true,
      satOn: '2026-11-02',
      releasedAt: now(),
    },
    ExamSittingVoided: {
      sittingId: randomUUID(),
      candidateId: randomUUID(),
      examCode: 'FOUNDATION',
      reason: 'malpractice reported by the invigilator',
      voidedAt: now(),
    },
    CertificateIssued: {
      certificateId: randomUUID(),
      number: 'ISO20K-F-000123',
      sittingId: randomUUID(),
      candidateId: randomUUID(),
      holderName: 'Ana Lima',
      examCode: 'FOUNDATION',
      language: 'en',
      atoId: null,
      issuedAt: now(),
      percentage: 80,
      trainerEligible: false,
    },
    CertificateRevoked: {
      certificateId: randomUUID(),
      number: 'ISO20K-F-000123',
      sittingId: randomUUID(),
      candidateId: randomUUID(),
      reason: 'sitting voided',
      revokedAt: now(),
    },
    AtoStatusChanged: {
      atoId: randomUUID(),
      name: 'Service Academy Ltd',
      country: 'GB',
      status: 'SUSPENDED',
      previousStatus: 'ACCREDITED',
      reason: 'annual review overdue',
      changedAt: now(),
    },
    RcbStatusChanged: {
      rcbId: randomUUID(),
      name: 'Cert Body GmbH',
      status: 'APPOINTED',
      previousStatus: 'UNDER_ASSESSMENT',
      reason: null,
      changedAt: now(),
    },
    AtoDeliveryPreferenceChanged: {
      atoId: randomUUID(),
      format: 'PAPER_AND_ELECTRONIC',
      recipient: 'ATO',
      atoAddress: {
        recipientName: 'Service Academy Ltd',
        lines: ['1 High Street'],
        city: 'Reading',
        postalCode: 'RG1 1AA',
        country: 'GB',
      },
      changedAt: now(),
    },
    CredentialIssued: {
      credentialId: randomUUID(),
      rcbId: randomUUID(),
      secretHash: '0f1e2d3c4b5a69788796a5b4c3d2e1f00f1e2d3c4b5a69788796a5b4c3d2e1f0',
      label: 'bulk upload job',
      issuedAt: now(),
    },
    CredentialRevoked: { credentialId: randomUUID(), rcbId: randomUUID(), revokedAt: now() },
    CredentialUsed: { credentialId: randomUUID(), usedAt: now() },
    CertificationChanged: {
      certificationId: randomUUID(),
      rcbId: randomUUID(),
      certificateNumber: 'RCB-2026-0042',
      organizationId: randomUUID(),
      change: 'SUSPENDED',
      status: 'SUSPENDED',
      version: 3,
      changedAt: now(),
    },
    CertificationTransferRequested: transferStep('PENDING', null, null),
    CertificationTransferObjected: transferStep('OBJECTED', 'the audit programme is not complete', null),
    CertificationTransferObjectionDecided: transferStep('REFUSED', 'the objection holds', 'OBJECTION_UPHELD'),
    CertificationTransferCompleted: transferStep('COMPLETED', null, 'ACKNOWLEDGED'),
    CertificationTransferCancelled: transferStep(
      'CANCELLED',
      'major nonconformity found at a special audit',
      'SUSPENDED_BY_ISSUING_RCB',
    ),
    CertificationFlagRaised: {
      certificationId: randomUUID(),
      rcbId: randomUUID(),
      certificateNumber: 'RCB-2026-0042',
      rule: 'SURVEILLANCE_OVERDUE',
      dueOn: '2026-03-01',
      asOf: '2026-03-02',
      explanation: 'the first surveillance audit was due within 12 months of the certification decision',
    },
    WebhookEndpointDisabled: {
      endpointId: randomUUID(),
      ownerKind: 'RCB',
      ownerId: randomUUID(),
      reason: 'every attempt for three days failed',
      disabledAt: now(),
    },
    RelyingPartyKeyIssued: {
      relyingPartyId: randomUUID(),
      secretHash: 'a'.repeat(64),
      name: 'Tender platform',
      issuedAt: now(),
    },
    RelyingPartyKeyRevoked: { relyingPartyId: randomUUID(), revokedAt: now() },
  };
}

function transferStep(status: string, reason: string | null, outcome: string | null) {
  return {
    transferId: randomUUID(),
    certificationId: randomUUID(),
    certificateNumber: 'RCB-2026-0042',
    fromRcbId: randomUUID(),
    toRcbId: randomUUID(),
    status,
    objectionDeadline: now(),
    reason,
    outcome,
    occurredAt: now(),
  };
}

/** Loosens a definition's payload type so tests can hand it deliberately wrong data. */
export function untyped<T>(def: EventDefinition<T>): EventDefinition<unknown> {
  return def as EventDefinition<unknown>;
}
