import { type NatsConnection } from 'nats';
import { deadLetterStreamName, ensureStreams, eventSettingsFrom, streamNameFor } from '../src';
import { connectTestNats, deleteNamespaceStreams, testNamespace } from '@iso20000/testing';

const DAY_NS = 24 * 60 * 60 * 1e9;

describe('stream retention', () => {
  const namespace = testNamespace();
  let nc: NatsConnection;

  beforeAll(async () => {
    nc = await connectTestNats();
  });

  afterAll(async () => {
    await deleteNamespaceStreams(nc, namespace);
    await nc.close();
  });

  it('creates every stream with the configured limits and brings existing streams to new limits', async () => {
    const jsm = await nc.jetstreamManager();
    const exam = streamNameFor('exam.sitting.released', namespace);
    const deadLetters = deadLetterStreamName(namespace);

    await ensureStreams(nc, namespace, 1, eventSettingsFrom({}));
    let info = await jsm.streams.info(exam);
    expect([info.config.max_age, info.config.max_bytes]).toEqual([30 * DAY_NS, -1]);
    expect((await jsm.streams.info(deadLetters)).config.max_age).toBe(365 * DAY_NS);

    // a changed limit takes effect at the next start, on the existing stream
    await ensureStreams(
      nc,
      namespace,
      1,
      eventSettingsFrom({
        STREAM_MAX_AGE_DAYS: '14',
        STREAM_MAX_BYTES: '67108864',
        DEAD_LETTER_MAX_AGE_DAYS: '60',
      }),
    );
    info = await jsm.streams.info(exam);
    expect([info.config.max_age, info.config.max_bytes]).toEqual([14 * DAY_NS, 67_108_864]);
    expect((await jsm.streams.info(deadLetters)).config.max_age).toBe(60 * DAY_NS);
  });
});
