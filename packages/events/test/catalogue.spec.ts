import { randomUUID } from 'node:crypto';
import {
  allEvents,
  defineEvent,
  Events,
  InvalidEventError,
  parseEventEnvelope,
  parseEventPayload,
  wireSubject,
  streamNameFor,
  deadLetterSubject,
  deadLetterStreamName,
} from '../src';
import { validPayloads } from '@iso20000/testing';
import { z } from 'zod';

describe('event catalogue', () => {
  it('accepts a valid payload for every event', () => {
    const payloads = validPayloads();
    for (const [key, def] of Object.entries(Events)) {
      const payload = payloads[key as keyof typeof payloads];
      expect(parseEventPayload(def as never, payload)).toEqual(payload);
    }
    expect(allEvents).toHaveLength(Object.keys(payloads).length);
  });

  it('has unique subjects, each in a producer stream', () => {
    const subjects = allEvents.map((e) => e.subject);
    expect(new Set(subjects).size).toBe(subjects.length);
    for (const subject of subjects) expect(() => streamNameFor(subject)).not.toThrow();
  });

  it('rejects a country code that is two letters but names no country', () => {
    const payload = { ...validPayloads().AtoStatusChanged, country: 'XX' };
    expect(() => parseEventPayload(Events.AtoStatusChanged, payload as never)).toThrow(/country/);
    expect(parseEventPayload(Events.AtoStatusChanged, { ...payload, country: 'JP' }).country).toBe('JP');
  });

  it('rejects a released sitting with an unknown exam code, naming the field', () => {
    const payload = { ...validPayloads().ExamSittingReleased, examCode: 'EXPERT' };
    expect(() => parseEventPayload(Events.ExamSittingReleased, payload as never)).toThrow(InvalidEventError);
    expect(() => parseEventPayload(Events.ExamSittingReleased, payload as never)).toThrow(/examCode/);
  });

  it('rejects a score above the maximum and a failed sitting that makes a trainer eligible', () => {
    const released = validPayloads().ExamSittingReleased;
    expect(() => parseEventPayload(Events.ExamSittingReleased, { ...released, score: 81 })).toThrow(
      /score exceeds maxScore/,
    );
    expect(() =>
      parseEventPayload(Events.ExamSittingReleased, { ...released, passed: false, trainerEligible: true }),
    ).toThrow(/trainer eligible/);
  });

  it('rejects missing fields, wrong dates and non-uuid ids', () => {
    const { satOn: _omitted, ...withoutDate } = validPayloads().ExamSittingReleased;
    expect(() => parseEventPayload(Events.ExamSittingReleased, withoutDate as never)).toThrow(/satOn/);
    expect(() =>
      parseEventPayload(Events.ExamSittingReleased, {
        ...validPayloads().ExamSittingReleased,
        satOn: '02/11/2026',
      }),
    ).toThrow(/satOn/);
    expect(() =>
      parseEventPayload(Events.CredentialRevoked, { ...validPayloads().CredentialRevoked, rcbId: '42' }),
    ).toThrow(/rcbId/);
  });

  it('requires the ATO address for paper certificates sent via the ATO', () => {
    const pref = validPayloads().AtoDeliveryPreferenceChanged;
    expect(() =>
      parseEventPayload(Events.AtoDeliveryPreferenceChanged, { ...pref, atoAddress: null }),
    ).toThrow(/atoAddress/);
    expect(
      parseEventPayload(Events.AtoDeliveryPreferenceChanged, {
        ...pref,
        recipient: 'CANDIDATE',
        atoAddress: null,
      }).atoAddress,
    ).toBeNull();
  });

  it('rejects an ATO status outside the lifecycle, and an RCB that is "accredited" rather than appointed', () => {
    const ato = validPayloads().AtoStatusChanged;
    expect(() =>
      parseEventPayload(Events.AtoStatusChanged, { ...ato, status: 'APPOINTED' } as never),
    ).toThrow(/status/);
    const rcb = validPayloads().RcbStatusChanged;
    expect(() =>
      parseEventPayload(Events.RcbStatusChanged, { ...rcb, status: 'ACCREDITED' } as never),
    ).toThrow(/status/);
  });

  it('strips fields the catalogue does not know', () => {
    const payload = { ...validPayloads().CredentialRevoked, secret: 'never on the bus' };
    expect(parseEventPayload(Events.CredentialRevoked, payload)).not.toHaveProperty('secret');
  });

  it('validates an envelope, its subject and version, and its payload', () => {
    const payload = validPayloads().CertificateIssued;
    const envelope = {
      id: randomUUID(),
      subject: 'certificate.certificate.issued',
      version: 1,
      occurredAt: new Date().toISOString(),
      requestId: 'req-1',
      payload,
    };
    expect(parseEventEnvelope(Events.CertificateIssued, envelope)).toEqual(envelope);
    expect(() => parseEventEnvelope(Events.CertificateIssued, { ...envelope, version: 2 })).toThrow(/v2/);
    expect(() => parseEventEnvelope(Events.CertificateRevoked, envelope)).toThrow(InvalidEventError);
    expect(() => parseEventEnvelope(Events.CertificateIssued, { ...envelope, id: 'not-a-uuid' })).toThrow(
      /id/,
    );
    expect(() =>
      parseEventEnvelope(Events.CertificateIssued, { ...envelope, payload: { ...payload, number: '' } }),
    ).toThrow(/number/);
  });

  it('refuses badly formed definitions', () => {
    expect(() => defineEvent('Exam.Sitting', 1, z.object({}))).toThrow(/subject/);
    expect(() => defineEvent('exam.sitting.released', 0, z.object({}))).toThrow(/version/);
  });
});

describe('subjects and streams', () => {
  it('prefixes subjects and stream names with the namespace', () => {
    expect(wireSubject('exam.sitting.released')).toBe('exam.sitting.released');
    expect(wireSubject('exam.sitting.released', 'tabc')).toBe('tabc.exam.sitting.released');
    expect(streamNameFor('exam.sitting.released')).toBe('EXAM');
    expect(streamNameFor('registry.certification.changed', 'tabc')).toBe('TABC_REGISTRY');
    expect(deadLetterSubject('certificate-issue', 'tabc')).toBe('tabc.dlq.certificate-issue');
    expect(deadLetterStreamName('tabc')).toBe('TABC_DEAD_LETTER');
  });

  it('refuses namespaces that would overlap another stream or are not one subject token', () => {
    expect(() => wireSubject('exam.sitting.released', 'exam')).toThrow(/collides/);
    expect(() => wireSubject('exam.sitting.released', 'dlq')).toThrow(/collides/);
    expect(() => wireSubject('exam.sitting.released', 'a.b')).toThrow(/one subject token/);
    expect(() => streamNameFor('billing.invoice.paid')).toThrow(/producer stream/);
  });
});
