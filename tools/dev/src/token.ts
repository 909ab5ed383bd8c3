import { signDevToken, type TokenClaims } from '@iso20000/auth';
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { workspaceRoot } from './infrastructure';

// `npm run token -- <role> [--candidate ID] [--ato ID] [--name NAME] [--ttl 12h]`: a JWT for the running dev system.
const usage =
  'usage: npm run token -- <candidate|ato_staff|analyst|scheme_staff> [--candidate ID] [--ato ID] [--name NAME] [--ttl 12h]\n' +
  '(RCB integrations use API keys: create one with the createRcbCredential mutation as scheme_staff.)';

function option(name: string): string | undefined {
  const index = process.argv.indexOf(`--${name}`);
  return index > 0 ? process.argv[index + 1] : undefined;
}

async function main() {
  const role = process.argv[2];
  if (!role || role.startsWith('--')) throw new Error(usage);
  const file = join(workspaceRoot, '.data', 'auth-dev-secret');
  const secret =
    process.env.AUTH_DEV_SECRET ?? (existsSync(file) ? readFileSync(file, 'utf8').trim() : undefined);
  if (!secret)
    throw new Error(
      'No dev secret yet: run `npm start` once (it creates .data/auth-dev-secret), or set AUTH_DEV_SECRET.',
    );
  const claims = {
    sub: option('sub') ?? `dev-${role}-${option('candidate') ?? option('ato') ?? 'user'}`,
    role,
    candidate_id: option('candidate'),
    ato_id: option('ato'),
    name: option('name'),
  } as TokenClaims;
  process.stdout.write(`${await signDevToken(secret, claims, option('ttl') ?? '12h')}\n`);
}

main().catch((error: unknown) => {
  process.stderr.write(`${error instanceof Error ? error.message : String(error)}\n`);
  process.exit(1);
});
