import { eventSettingsFrom } from '../src/settings';
import { streamConfigs } from '../src/streams';

describe('event bus settings from the environment', () => {
  it('defaults to one replica and the consumer defaults', () => {
    expect(eventSettingsFrom({})).toEqual({
      streamReplicas: 1,
      consumerMaxDeliver: 5,
      consumerAckWaitMs: 30_000,
      consumerBatchSize: 20,
    });
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
  ])('refuses %s=%s, naming it', (name, value, message) => {
    expect(() => eventSettingsFrom({ [name]: value })).toThrow(message);
  });
});
