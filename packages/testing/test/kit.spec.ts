import { randomUUID } from 'node:crypto';
import { createAuthenticator, generateRcbCredential } from '@iso20000/auth';
import { eventually, ok, TEST_AUTH_SECRET, tokenFor, viewers } from '../src';

describe('viewers', () => {
  const authenticator = createAuthenticator({
    devSecret: TEST_AUTH_SECRET,
    credentials: { verify: async () => ({ credentialId, rcbId }) },
  });
  const credentialId = randomUUID();
  const rcbId = randomUUID();

  it.each([
    ['a candidate', viewers.candidate(randomUUID())],
    ['ATO staff', viewers.atoStaff(randomUUID())],
    ['an analyst', viewers.analyst()],
    ['scheme staff', viewers.schemeStaff()],
  ])('%s is the viewer the authenticator builds from that person’s token', async (_who, viewer) => {
    await expect(authenticator.authenticate(`Bearer ${await tokenFor(viewer)}`)).resolves.toEqual(viewer);
  });

  it('an RCB integration is the viewer the authenticator builds from that RCB’s API key', async () => {
    const { apiKey } = generateRcbCredential();
    await expect(authenticator.authenticate(`ApiKey ${apiKey}`)).resolves.toEqual(
      viewers.rcbIntegration(rcbId, credentialId),
    );
  });

  it('the public viewer is the authenticator’s, and each fixture call is a new person', async () => {
    await expect(authenticator.authenticate(undefined)).resolves.toBe(viewers.public);
    expect(viewers.candidate().candidateId).not.toBe(viewers.candidate().candidateId);
    expect(viewers.rcbIntegration(rcbId).credentialId).not.toBe(viewers.rcbIntegration(rcbId).credentialId);
  });
});

describe('ok', () => {
  it('answers the data of a successful operation', () => {
    expect(ok({ data: { hello: 'world' }, errors: undefined })).toEqual({ hello: 'world' });
  });

  it('fails with the errors, and the HTTP status when there is one', () => {
    const errors = [{ message: 'no', extensions: { code: 'FORBIDDEN' } }];
    expect(() => ok({ data: null, errors })).toThrow(/unexpected errors: .*FORBIDDEN/);
    expect(() => ok({ data: null, errors, status: 400 })).toThrow(/\(HTTP 400\).*FORBIDDEN/);
    expect(() => ok({ data: undefined, errors: undefined })).toThrow(/neither data nor errors/);
  });
});

describe('eventually', () => {
  it('answers the first value that is not undefined, counting a throwing check as not yet', async () => {
    let calls = 0;
    const value = await eventually(async () => {
      calls += 1;
      if (calls === 1) throw new Error('not yet');
      return calls < 3 ? undefined : calls;
    });
    expect(value).toBe(3);
  });

  it('answers null and false: only undefined means not yet', async () => {
    await expect(eventually(async () => null)).resolves.toBeNull();
    await expect(eventually(async () => false)).resolves.toBe(false);
  });

  it('times out naming what it waited for and the last error', async () => {
    await expect(
      eventually(
        async () => {
          throw new Error('row missing');
        },
        120,
        'the projection',
      ),
    ).rejects.toThrow('timed out after 120 ms waiting for the projection: Error: row missing');
  });
});
