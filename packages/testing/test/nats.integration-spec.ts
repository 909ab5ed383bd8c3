import { randomUUID } from 'node:crypto';
import {
  connectNats,
  ensureStreams,
  Events,
  parseEventEnvelope,
  removeStreams,
  streamNameFor,
} from '@iso20000/events';
import {
  connectTestNats,
  eventually,
  LocalNatsServer,
  publishEvent,
  testNamespace,
  validPayloads,
} from '../src';

describe('publishEvent', () => {
  it('puts an envelope on the namespace’s stream as an outbox relay would, deduplicated by its id', async () => {
    await using nc = await connectTestNats();
    const namespace = testNamespace();
    await ensureStreams(nc, namespace);
    try {
      const payload = validPayloads().CertificateIssued;
      const id = await publishEvent(nc, namespace, Events.CertificateIssued, payload);
      await publishEvent(nc, namespace, Events.CertificateIssued, payload, { id });

      const jsm = await nc.jetstreamManager();
      const stream = streamNameFor(Events.CertificateIssued.subject, namespace);
      expect((await jsm.streams.info(stream)).state.messages).toBe(1);
      const message = await jsm.streams.getMessage(stream, { seq: 1 });
      const envelope = parseEventEnvelope(Events.CertificateIssued, message.json());
      expect(envelope).toMatchObject({ id, subject: 'certificate.certificate.issued', version: 1, payload });
    } finally {
      await removeStreams(nc, namespace);
    }
  });
});

describe('LocalNatsServer', () => {
  it('keeps its streams and messages across a halt and a resume on the same port', async () => {
    await using server = await LocalNatsServer.start();
    const nc = await connectNats(server.url, 'testing-local-nats', { reconnectTimeWait: 50 });
    try {
      const namespace = testNamespace();
      await ensureStreams(nc, namespace);
      await publishEvent(nc, namespace, Events.ExamSittingVoided, validPayloads().ExamSittingVoided);

      await server.halt();
      await expect(
        publishEvent(nc, namespace, Events.ExamSittingVoided, validPayloads().ExamSittingVoided),
      ).rejects.toThrow();
      await server.resume();

      // As a relay would: retry until the client has reconnected, under one id so a retry whose
      // first attempt was stored after all is deduplicated.
      const id = randomUUID();
      const voided = validPayloads().ExamSittingVoided;
      await eventually(
        () => publishEvent(nc, namespace, Events.ExamSittingVoided, voided, { id }),
        15_000,
        'a publish after the restart',
      );
      const jsm = await nc.jetstreamManager();
      const info = await jsm.streams.info(streamNameFor(Events.ExamSittingVoided.subject, namespace));
      expect(info.state.messages).toBe(2);
    } finally {
      await nc.close();
    }
  });
});
