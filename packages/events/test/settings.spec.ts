import { eventSettingsFrom } from '../src/settings';
import { streamConfigs } from '../src/streams';

describe('event bus settings from the environment', () => {
  it('defaults to one replica and the consumer defaults', () => {
    expect(eventSettingsFrom({})).toEqual({
      streamReplicas: 1,
      consumerMaxDeliver: 5,
      consumerAckWaitMs: 30_000,
      consumerBatchSize: 20,
      streamMaxAgeDays: 30,
      streamMaxBytes: -1,
      deadLetterMaxAgeDays: 365,
      deadLetterMaxBytes: -1,
      consumerReplicas: 0,
      outboxRetentionDays: 30,
      inboxRetentionDays: 31,
      retentionIntervalMs: 3_600_000,
    });
  });

  it('keeps the inbox at least as long as the streams keep events, and consumers within their streams', () => {
    expect(eventSettingsFrom({ STREAM_MAX_AGE_DAYS: '7' }).inboxRetentionDays).toBe(8);
    expect(eventSettingsFrom({ OUTBOX_RETENTION_DAYS: '3', INBOX_RETENTION_DAYS: '40' })).toMatchObject({
      outboxRetentionDays: 3,
      inboxRetentionDays: 40,
    });
    expect(() => eventSettingsFrom({ INBOX_RETENTION_DAYS: '29' })).toThrow(/INBOX_RETENTION_DAYS=29/);
    expect(() => eventSettingsFrom({ OUTBOX_RETENTION_DAYS: '0' })).toThrow(/OUTBOX_RETENTION_DAYS/);
    expect(eventSettingsFrom({ STREAM_REPLICAS: '3', CONSUMER_REPLICAS: '3' }).consumerReplicas).toBe(3);
    expect(() => eventSettingsFrom({ CONSUMER_REPLICAS: '3' })).toThrow(/CONSUMER_REPLICAS=3/);
  });

  it('bounds every stream by age, the dead letters longer than the events', () => {
    const day = 24 * 60 * 60 * 1e9;
    const settings = eventSettingsFrom({
      STREAM_MAX_AGE_DAYS: '7',
      STREAM_MAX_BYTES: '104857600',
      DEAD_LETTER_MAX_AGE_DAYS: '90',
    });
    const configs = streamConfigs('ns', 1, settings);
    const deadLetters = configs.find((config) => config.name === 'NS_DEAD_LETTER');
    const producers = configs.filter((config) => config !== deadLetters);
    expect(producers.map((config) => [config.max_age, config.max_bytes])).toEqual(
      producers.map(() => [7 * day, 104_857_600]),
    );
    expect([deadLetters?.max_age, deadLetters?.max_bytes]).toEqual([90 * day, -1]);
    expect(streamConfigs('ns').every((config) => (config.max_age ?? 0) >= 30 * day)).toBe(true);
  });

  it('gives every stream, dead letters included, the configured replicas', () => {
    const configs = streamConfigs('ns', eventSettingsFrom({ STREAM_REPLICAS: '3' }).streamReplicas);
    expect(configs.map((config) => config.num_replicas)).toEqual(configs.map(() => 3));
    expect(configs.map((config) => config.name)).toContain('NS_DEAD_LETTER');
  });

  it('reads consumer settings', () => {
    expect(
      eventSettingsFrom({
        CONSUMER_MAX_DELIVER: '8',
        CONSUMER_ACK_WAIT_MS: '60000',
        CONSUMER_BATCH_SIZE: '50',
      }),
    ).toMatchObject({ consumerMaxDeliver: 8, consumerAckWaitMs: 60_000, consumerBatchSize: 50 });
  });

  it.each([
    ['STREAM_REPLICAS', '2', /odd number/],
    ['STREAM_REPLICAS', 'three', /STREAM_REPLICAS="three" is invalid/],
    ['CONSUMER_MAX_DELIVER', '0', /CONSUMER_MAX_DELIVER="0" is invalid/],
    ['CONSUMER_ACK_WAIT_MS', '1.5', /CONSUMER_ACK_WAIT_MS/],
    ['STREAM_MAX_AGE_DAYS', '0', /STREAM_MAX_AGE_DAYS="0" is invalid/],
    ['STREAM_MAX_BYTES', '1000', /STREAM_MAX_BYTES="1000" is invalid: -1 \(no limit\) or at least/],
    ['DEAD_LETTER_MAX_AGE_DAYS', 'forever', /DEAD_LETTER_MAX_AGE_DAYS/],
  ])('refuses %s=%s, naming it', (name, value, message) => {
    expect(() => eventSettingsFrom({ [name]: value })).toThrow(message);
  });
});
