import { fromPrivateKey } from '@iso20000/credentials';
import { generateKeyPairSync } from 'node:crypto';
import { recordReleasedPass } from '../src/commands/issue-certificate';
import { CertificateEntity } from '../src/entities/certificate.entity';
import { logger, release, startCertificateHarness, waitFor } from './certificate-test-harness';

it('the pending-issuance sweep runs on its interval, issues what signing left pending, and stops cleanly', async () => {
  const h = await startCertificateHarness({
    startBackground: true,
    env: { CERTIFICATE_SWEEP_INTERVAL_MS: '200' },
  });
  try {
    // A key that cannot sign (an X25519 key) makes issuing fail: the release stays recorded as PENDING.
    const brokenIssuer = {
      ...h.service.issuer,
      key: {
        ...(await fromPrivateKey(generateKeyPairSync('ed25519').privateKey)),
        privateKey: generateKeyPairSync('x25519').privateKey,
      },
    };
    const pending = await h.db.dataSource.transaction((manager) =>
      recordReleasedPass(manager, release(), brokenIssuer, logger),
    );
    expect(pending).toMatchObject({ status: 'PENDING' });
    const issued = await waitFor(async () => {
      const c = await h.db.dataSource.getRepository(CertificateEntity).findOneBy({ id: pending!.id });
      return c?.status === 'ISSUED' ? c : null;
    }, 'the sweep to issue the pending certificate');
    expect(issued.version).toBe(1);
    const [{ n }] = (await h.db.dataSource.query(
      `SELECT count(*)::int AS n FROM "outbox_event" WHERE "subject" = 'certificate.certificate.issued' AND "payload"->>'certificateId' = $1`,
      [pending!.id],
    )) as { n: number }[];
    expect(n).toBe(1);
  } finally {
    await h.close();
  }
});
