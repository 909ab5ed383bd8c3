#!/usr/bin/env node
// A local identity provider for docker-compose.yml in production mode, where tokens must be signed by
// a key the services fetch as a JWKS (AUTH_JWKS_URL) and the certificate service needs its own
// Ed25519 signing key (CERTIFICATE_SIGNING_KEY), the registry its own for signed records
// (REGISTRY_SIGNING_KEY), and notifications the key its webhook secrets are
// encrypted with (WEBHOOK_SECRET_KEY). Keys are made here, on your machine, never committed:
//   node tools/build/bin/local-idp.mjs keys                       -> deploy/compose/local/
//   node tools/build/bin/local-idp.mjs token scheme_staff [--candidate ID] [--ato ID] [--name NAME]
import { generateKeyPairSync, createPrivateKey, randomBytes, randomUUID } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { workspaceRoot } from '../src/projects.mjs';

export const LOCAL_ISSUER = 'iso20000-local-idp';
export const LOCAL_AUDIENCE = 'iso20000';
const dir = process.env.LOCAL_IDP_DIR ?? join(workspaceRoot, 'deploy', 'compose', 'local');
const files = {
  idpKey: join(dir, 'idp-private.jwk'),
  jwks: join(dir, 'jwks', 'jwks.json'),
  signingKey: join(dir, 'certificate-signing-key.jwk'),
  registrySigningKey: join(dir, 'registry-signing-key.jwk'),
  webhookSecretKey: join(dir, 'webhook-secret-key'),
};

function keys() {
  mkdirSync(join(dir, 'jwks'), { recursive: true, mode: 0o755 });
  if (!existsSync(files.idpKey)) {
    const { privateKey, publicKey } = generateKeyPairSync('rsa', { modulusLength: 2048 });
    const kid = randomUUID();
    writeFileSync(
      files.idpKey,
      JSON.stringify({ ...privateKey.export({ format: 'jwk' }), kid, alg: 'RS256' }),
      {
        mode: 0o600,
      },
    );
    const jwk = { ...publicKey.export({ format: 'jwk' }), kid, alg: 'RS256', use: 'sig' };
    writeFileSync(files.jwks, JSON.stringify({ keys: [jwk] }, null, 2), { mode: 0o644 });
    console.log(`identity provider key: ${files.idpKey}; public JWKS: ${files.jwks}`);
  }
  for (const [what, file] of [
    ['certificate signing key', files.signingKey],
    ['registry signing key', files.registrySigningKey],
  ]) {
    if (existsSync(file)) continue;
    const { privateKey } = generateKeyPairSync('ed25519');
    // Readable by the container's non-root user through the compose secret's bind mount.
    writeFileSync(file, JSON.stringify(privateKey.export({ format: 'jwk' })), { mode: 0o644 });
    console.log(`${what}: ${file}`);
  }
  if (!existsSync(files.webhookSecretKey)) {
    writeFileSync(files.webhookSecretKey, randomBytes(32).toString('base64'), { mode: 0o644 });
    console.log(`webhook secret key: ${files.webhookSecretKey}`);
  }
  console.log(`keys in ${dir} (kept: run again only to create missing ones)`);
}

async function token(role, args) {
  if (!role)
    throw new Error(
      'usage: local-idp.mjs token <candidate|ato_staff|analyst|scheme_staff> [--candidate ID] [--ato ID] [--name NAME]',
    );
  if (!existsSync(files.idpKey))
    throw new Error(`no key yet: run \`node tools/build/bin/local-idp.mjs keys\` first`);
  const { SignJWT } = await import('jose');
  const option = (name) => {
    const at = args.indexOf(`--${name}`);
    return at >= 0 ? args[at + 1] : undefined;
  };
  const jwk = JSON.parse(readFileSync(files.idpKey, 'utf8'));
  const claims = { role, name: option('name') ?? `Local ${role}` };
  if (role === 'candidate') claims.candidate_id = option('candidate') ?? randomUUID();
  if (role === 'ato_staff') {
    claims.ato_id = option('ato');
    if (!claims.ato_id) throw new Error('ato_staff needs --ato ATO_ID');
  }
  const signed = await new SignJWT(claims)
    .setProtectedHeader({ alg: 'RS256', kid: jwk.kid })
    .setSubject(option('sub') ?? `local:${role}:${randomUUID().slice(0, 8)}`)
    .setIssuer(LOCAL_ISSUER)
    .setAudience(LOCAL_AUDIENCE)
    .setIssuedAt()
    .setExpirationTime('12h')
    .sign(createPrivateKey({ key: jwk, format: 'jwk' }));
  console.log(signed);
}

const [command, ...rest] = process.argv.slice(2);
if (command === 'keys') keys();
else if (command === 'token') await token(rest[0], rest.slice(1));
else {
  console.error('usage: local-idp.mjs keys | token <role> [--candidate ID] [--ato ID] [--name NAME]');
  process.exit(2);
}
