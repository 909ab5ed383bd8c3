import { jwksOf } from '@iso20000/credentials';
import { viewers } from '@iso20000/testing';
import { randomUUID } from 'node:crypto';
import { Events } from '@iso20000/events';
import { parseCertificateNumber } from '../src/domain/certificate-number';
import { verifyCertificateOffline } from '../src/credentials/sign-credential';
import { CertificateEntity } from '../src/entities/certificate.entity';
import { HardCopyOrderEntity } from '../src/entities/hard-copy-order.entity';
import { signedStatusList } from '../src/credentials/status-lists';
import {
  release,
  startCertificateHarness,
  waitFor,
  type CertificateHarness,
} from './certificate-test-harness';

let h: CertificateHarness;
beforeAll(async () => {
  h = await startCertificateHarness({ startBackground: true });
});
afterAll(async () => h?.close());

const certificateOf = (sittingId: string) =>
  h.db.dataSource.getRepository(CertificateEntity).findOneBy({ sittingId });
const outbox = async (subject: string, certificateId: string) =>
  (await h.db.dataSource.query(
    `SELECT "payload" FROM "outbox_event" WHERE "subject" = $1 AND "payload"->>'certificateId' = $2`,
    [subject, certificateId],
  )) as { payload: Record<string, unknown> }[];

/** Waits until the consumers have handled an event: its inbox row is written in the handler's transaction. */
const handled = (eventId: string, what: string) =>
  waitFor(
    async () =>
      (
        (await h.db.dataSource.query(`SELECT 1 FROM "inbox_event" WHERE "event_id" = $1`, [
          eventId,
        ])) as unknown[]
      ).length > 0,
    what,
  );

const CANDIDATE_CERTIFICATES = `
  query ($representations: [_Any!]!) {
    _entities(representations: $representations) {
      ... on Candidate { id certificates(first: 10) { edges { node { id number status holderName examCode dueOn issuedOn credential { jwt } } } } }
    }
  }`;

describe('issuance on exam.sitting.released', () => {
  it('issues a certificate for a released pass, visible to the candidate at once, and publishes certificate.certificate.issued', async () => {
    const released = release({ releasedAt: '2026-11-27T10:00:00Z', atoId: null });
    const js = h.nc.jetstream();
    await h.publish(Events.ExamSittingReleased, released);
    const certificate = await waitFor(async () => {
      const c = await certificateOf(released.sittingId);
      return c?.status === 'ISSUED' ? c : null;
    }, 'the certificate');
    expect(parseCertificateNumber(certificate.number)).toEqual({ ok: true, number: certificate.number });
    expect(certificate.number).toMatch(/^F26-/);
    // Friday 27 Nov + 2 business days = Tuesday 1 Dec
    expect(certificate.dueOn).toBe('2026-12-01');

    const data = await h.ok<{
      _entities: { certificates: { edges: { node: Record<string, unknown> }[] } }[];
    }>(viewers.candidate(released.candidateId), CANDIDATE_CERTIFICATES, {
      representations: [{ __typename: 'Candidate', id: released.candidateId }],
    });
    expect(data._entities[0].certificates.edges.map((e) => e.node)).toEqual([
      expect.objectContaining({
        number: certificate.number,
        status: 'ISSUED',
        holderName: 'Ada Lovelace',
        examCode: 'FOUNDATION',
      }),
    ]);

    // The relay publishes the issued event to JetStream with the catalogue's payload.
    const consumer = await js.consumers.get(`${h.namespace.toUpperCase()}_CERTIFICATE`);
    const message = await consumer.next({ expires: 5000 });
    expect(message).not.toBeNull();
    const envelope = JSON.parse(message!.string()) as { subject: string; payload: Record<string, unknown> };
    expect(envelope.subject).toBe('certificate.certificate.issued');
    expect(envelope.payload).toMatchObject({
      certificateId: certificate.id,
      number: certificate.number,
      sittingId: released.sittingId,
      candidateId: released.candidateId,
      examCode: 'FOUNDATION',
      percentage: 75,
      trainerEligible: false,
    });
  });

  it('never issues twice: a redelivered event or a second release of the same sitting changes nothing', async () => {
    const released = release();
    const eventId = randomUUID();
    await h.publish(Events.ExamSittingReleased, released, eventId);
    const first = await waitFor(() => certificateOf(released.sittingId), 'the certificate');
    // JetStream redelivers the same event (the inbox catches it), and the exam service releases the
    // same sitting again as a new event (only the one-certificate-per-sitting rule catches that).
    await h.publish(Events.ExamSittingReleased, released, eventId, randomUUID());
    await h.publish(Events.ExamSittingReleased, { ...released, candidateName: 'Someone Else' });
    const marker = await h.publish(
      Events.ExamSittingReleased,
      release({ passed: false, trainerEligible: false }),
    );
    await handled(marker, 'the later releases to be handled');
    const all = await h.db.dataSource
      .getRepository(CertificateEntity)
      .findBy({ sittingId: released.sittingId });
    expect(all).toHaveLength(1);
    expect(all[0]).toMatchObject({ id: first.id, holderName: 'Ada Lovelace' });
    expect(await outbox('certificate.certificate.issued', first.id)).toHaveLength(1);
  });

  it('issues nothing for a failed sitting', async () => {
    const failed = release({ passed: false, score: 10, percentage: 25 });
    const id = await h.publish(Events.ExamSittingReleased, failed);
    await handled(id, 'the release to be handled');
    expect(await certificateOf(failed.sittingId)).toBeNull();
  });
});

describe('revocation on exam.sitting.voided', () => {
  it('revokes: verification says REVOKED with the date, the status list has the bit, and certificate.certificate.revoked is published', async () => {
    const released = release();
    await h.publish(Events.ExamSittingReleased, released);
    const issued = await waitFor(async () => {
      const c = await certificateOf(released.sittingId);
      return c?.status === 'ISSUED' ? c : null;
    }, 'the certificate');
    const {
      rows: [version],
    } = {
      rows: (await h.db.dataSource.query(
        `SELECT "credential_jwt" FROM "certificate_version" WHERE "certificate_id" = $1`,
        [issued.id],
      )) as { credential_jwt: string }[],
    };
    const jwks = jwksOf(h.service.issuer.key);
    const before = await signedStatusList(h.db.dataSource, h.service.issuer, 1);
    await expect(
      verifyCertificateOffline(version.credential_jwt, { jwks, statusListJwt: before.jwt }),
    ).resolves.toMatchObject({ revoked: false });

    await h.publish(Events.ExamSittingVoided, {
      sittingId: released.sittingId,
      candidateId: released.candidateId,
      examCode: 'FOUNDATION',
      reason: 'Malpractice found on review',
      voidedAt: '2026-12-02T09:00:00Z',
    });
    await waitFor(
      async () => (await certificateOf(released.sittingId))?.status === 'REVOKED',
      'the revocation',
    );

    const verification = await h.ok<{ verifyCertificate: Record<string, unknown> }>(
      viewers.public,
      `query ($n: String!) { verifyCertificate(number: $n) { status revokedOn holderName } }`,
      { n: issued.number },
    );
    expect(verification.verifyCertificate).toEqual({
      status: 'REVOKED',
      revokedOn: '2026-12-02',
      holderName: 'Ada Lovelace',
    });

    const after = await signedStatusList(h.db.dataSource, h.service.issuer, 1);
    await expect(
      verifyCertificateOffline(version.credential_jwt, { jwks, statusListJwt: after.jwt }),
    ).resolves.toMatchObject({ revoked: true });

    const revoked = await outbox('certificate.certificate.revoked', issued.id);
    expect(revoked).toHaveLength(1);
    expect(revoked[0].payload).toMatchObject({
      number: issued.number,
      reason: 'Sitting voided: Malpractice found on review',
      revokedAt: '2026-12-02T09:00:00.000Z',
      // the ATO's own subscriptions and webhooks decide from it
      atoId: released.atoId,
    });
  });

  it('a void handled before its release stops the certificate from being issued', async () => {
    const released = release();
    await h.publish(Events.ExamSittingVoided, {
      sittingId: released.sittingId,
      candidateId: released.candidateId,
      examCode: 'FOUNDATION',
      reason: 'Impersonation',
      voidedAt: new Date().toISOString(),
    });
    await waitFor(
      async () =>
        (
          (await h.db.dataSource.query(`SELECT 1 FROM "voided_sitting" WHERE "sitting_id" = $1`, [
            released.sittingId,
          ])) as unknown[]
        ).length > 0,
      'the void',
    );
    const id = await h.publish(Events.ExamSittingReleased, released);
    await handled(id, 'the release to be handled');
    expect(await certificateOf(released.sittingId)).toBeNull();
  });
});

describe('ATO delivery preference', () => {
  const atoAddress = {
    recipientName: 'Exams Office, Acme Training',
    lines: ['1 Market Street'],
    city: 'Leeds',
    postalCode: 'LS1 1AA',
    country: 'GB',
  };

  async function preference(
    atoId: string,
    format: 'ELECTRONIC_ONLY' | 'PAPER_AND_ELECTRONIC',
    recipient: 'CANDIDATE' | 'ATO',
    changedAt: string,
  ) {
    const id = await h.publish(Events.AtoDeliveryPreferenceChanged, {
      atoId,
      format,
      recipient,
      atoAddress: recipient === 'ATO' ? atoAddress : null,
      changedAt,
    });
    await handled(id, 'the preference');
  }

  async function ordersAfterRelease(atoId: string) {
    const released = release({ atoId });
    await h.publish(Events.ExamSittingReleased, released);
    const certificate = await waitFor(() => certificateOf(released.sittingId), 'the certificate');
    return {
      certificate,
      orders: await h.db.dataSource
        .getRepository(HardCopyOrderEntity)
        .findBy({ certificateId: certificate.id }),
    };
  }

  it('paper via the ATO: the print order is created paid, addressed to the ATO', async () => {
    const atoId = randomUUID();
    await preference(atoId, 'PAPER_AND_ELECTRONIC', 'ATO', '2026-11-01T00:00:00Z');
    const { orders } = await ordersAfterRelease(atoId);
    expect(orders).toEqual([
      expect.objectContaining({
        origin: 'ATO_DELIVERY_PREFERENCE',
        recipient: 'ATO',
        status: 'PAID',
        paidBy: 'ATO',
        shippingAddress: atoAddress,
      }),
    ]);
  });

  it('paper to the candidate: the order waits for the candidate address; an older preference event does not override a newer one', async () => {
    const atoId = randomUUID();
    await preference(atoId, 'PAPER_AND_ELECTRONIC', 'CANDIDATE', '2026-11-10T00:00:00Z');
    await preference(atoId, 'ELECTRONIC_ONLY', 'CANDIDATE', '2026-11-01T00:00:00Z'); // arrives late, is older
    const { certificate, orders } = await ordersAfterRelease(atoId);
    expect(orders).toEqual([
      expect.objectContaining({ recipient: 'CANDIDATE', status: 'AWAITING_ADDRESS', shippingAddress: null }),
    ]);

    const provided = await h.ok<{
      provideHardCopyShippingAddress: { status: string; shippingAddress: { postalCode: string } };
    }>(
      viewers.candidate(certificate.candidateId),
      `mutation ($id: ID!, $a: HardCopyShippingAddressInput!) { provideHardCopyShippingAddress(orderId: $id, shippingAddress: $a) { status shippingAddress { postalCode } } }`,
      {
        id: orders[0].id,
        a: {
          recipientName: 'Ada Lovelace',
          lines: ['2 Baker Street'],
          city: 'London',
          postalCode: 'nw1 6xe',
          country: 'GB',
        },
      },
    );
    expect(provided.provideHardCopyShippingAddress).toEqual({
      status: 'PAID',
      shippingAddress: { postalCode: 'NW1 6XE' },
    });
  });

  it('electronic only: no print order', async () => {
    const atoId = randomUUID();
    await preference(atoId, 'ELECTRONIC_ONLY', 'CANDIDATE', '2026-11-01T00:00:00Z');
    const { orders } = await ordersAfterRelease(atoId);
    expect(orders).toEqual([]);
  });
});
