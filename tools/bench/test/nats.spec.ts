import { pendingMessages } from '../src/nats';

describe("the bench bus's consumers", () => {
  it('counts what every consumer still has to deliver or see acknowledged', () => {
    expect(
      pendingMessages({
        account_details: [
          {
            stream_detail: [
              { consumer_detail: [{ name: 'notifications', num_pending: 120, num_ack_pending: 3 }] },
              { consumer_detail: [{ name: 'gateway' }] },
            ],
          },
          { stream_detail: [{ consumer_detail: [{ name: 'exam', num_pending: 0, num_ack_pending: 1 }] }] },
        ],
      }),
    ).toBe(124);
    expect(pendingMessages({})).toBe(0);
  });

  it("leaves out the credential stores' followers, which set off no work", () => {
    expect(
      pendingMessages({
        account_details: [
          {
            stream_detail: [
              {
                consumer_detail: [
                  { name: 'registry_credentials_GOMAFN2BXMQ6FJJNRL9W9O_1', num_pending: 1 },
                  { name: 'registry', num_pending: 2 },
                ],
              },
            ],
          },
        ],
      }),
    ).toBe(2);
  });
});
