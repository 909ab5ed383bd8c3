import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { busPermissions, inboxPrefixOf, natsAuthOptionsFrom } from '../src';

describe('NATS credentials from the environment', () => {
  it('connects as the configured user with a private reply inbox', () => {
    expect(natsAuthOptionsFrom({ NATS_USER: 'exam', NATS_PASSWORD: 's3cret' })).toEqual({
      user: 'exam',
      pass: 's3cret',
      inboxPrefix: inboxPrefixOf('exam'),
    });
  });

  it('is anonymous in development and refused in production', () => {
    expect(natsAuthOptionsFrom({ NODE_ENV: 'development' })).toEqual({});
    expect(() => natsAuthOptionsFrom({ NODE_ENV: 'production' })).toThrow(
      /NATS_USER and NATS_PASSWORD are required/,
    );
  });

  it('refuses half a credential or half a client certificate', () => {
    expect(() => natsAuthOptionsFrom({ NATS_USER: 'exam' })).toThrow(/together/);
    expect(() => natsAuthOptionsFrom({ NATS_TLS_CERT_FILE: '/c.pem' })).toThrow(/together/);
  });

  it('passes TLS files on', () => {
    expect(
      natsAuthOptionsFrom({
        NATS_TLS_CA_FILE: '/ca.pem',
        NATS_TLS_CERT_FILE: '/c.pem',
        NATS_TLS_KEY_FILE: '/k.pem',
      }).tls,
    ).toEqual({ caFile: '/ca.pem', certFile: '/c.pem', keyFile: '/k.pem' });
  });
});

describe('bus permissions', () => {
  it('grants each producer its own subjects only, namespaced for tests', () => {
    const registry = busPermissions('registry');
    expect(registry.publish.allow).toContain('registry.>');
    expect(registry.publish.allow).not.toContain('exam.>');
    expect(
      registry.publish.allow.some((s) => s.includes('STREAM.DELETE') || s.includes('STREAM.PURGE')),
    ).toBe(false);
    expect(busPermissions('exam', 'ns1').publish.allow).toContain('ns1.exam.>');
    expect(busPermissions('gateway').publish.allow.filter((s) => !s.startsWith('$JS.'))).toEqual([
      'accreditation.credential.used',
      'query.accreditation.credentials',
      'query.notifications.relying-party-keys',
    ]);
    // accreditation alone answers the credential snapshot; nobody else may listen for it
    expect(busPermissions('accreditation').subscribe.allow).toContain('query.accreditation.credentials');
    expect(busPermissions('accreditation').allow_responses).toBe(true);
    expect(busPermissions('gateway').subscribe.allow).not.toContain('query.accreditation.credentials');
    expect(busPermissions('gateway').allow_responses).toBeUndefined();
    // and notifications alone the relying-party key snapshot
    expect(busPermissions('notifications').subscribe.allow).toContain(
      'query.notifications.relying-party-keys',
    );
    expect(busPermissions('notifications').allow_responses).toBe(true);
    for (const other of ['gateway', 'accreditation', 'registry'] as const)
      expect(busPermissions(other).subscribe.allow).not.toContain('query.notifications.relying-party-keys');
  });
});

describe('NATS password from a file', () => {
  it('reads a mounted secret, and refuses both ways at once', () => {
    const dir = mkdtempSync(join(tmpdir(), 'nats-auth-'));
    const file = join(dir, 'exam.password');
    writeFileSync(file, 'from-a-secret\n');
    expect(natsAuthOptionsFrom({ NATS_USER: 'exam', NATS_PASSWORD_FILE: file }).pass).toBe('from-a-secret');
    expect(() =>
      natsAuthOptionsFrom({ NATS_USER: 'exam', NATS_PASSWORD: 'x', NATS_PASSWORD_FILE: file }),
    ).toThrow(/exclusive/);
    rmSync(dir, { recursive: true, force: true });
  });
});
