import { createPublicKey, verify } from 'node:crypto';
import { createTokenSigner, generateBenchKeys } from '../src/tokens';
import { graphqlBodyFailed } from '../src/load-worker';

describe('bench tokens', () => {
  it('signs a distinct, verifiable EdDSA token on every call', () => {
    const keys = generateBenchKeys();
    const sign = createTokenSigner(keys);
    const first = sign({ sub: 'a1', role: 'analyst' });
    const second = sign({ sub: 'a1', role: 'analyst' });
    expect(first).not.toBe(second);
    const [header, payload, signature] = first.split('.');
    expect(JSON.parse(Buffer.from(header, 'base64url').toString())).toEqual({
      alg: 'EdDSA',
      typ: 'JWT',
      kid: keys.kid,
    });
    expect(JSON.parse(Buffer.from(payload, 'base64url').toString())).toMatchObject({
      sub: 'a1',
      role: 'analyst',
    });
    const publicKey = createPublicKey({ key: keys.publicJwk, format: 'jwk' });
    expect(
      verify(null, Buffer.from(`${header}.${payload}`), publicKey, Buffer.from(signature, 'base64url')),
    ).toBe(true);
  });
});

describe('GraphQL response check', () => {
  it('fails bodies with errors or without data', () => {
    expect(graphqlBodyFailed('{"data":{"a":1}}')).toBe(false);
    expect(graphqlBodyFailed('{"data":null,"errors":[{"message":"x"}]}')).toBe(true);
    expect(graphqlBodyFailed('{"error":"internal"}')).toBe(true);
    // Apollo Gateway's null-bubbled answer: no errors array, reasons under extensions.
    expect(graphqlBodyFailed('{"data":null,"extensions":{"valueCompletion":[{"message":"x"}]}}')).toBe(true);
  });
});
