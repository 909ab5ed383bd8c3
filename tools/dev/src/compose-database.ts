/**
 * One PostgreSQL password per service for docker compose, kept under deploy/compose/local/postgres
 * (git-ignored, like the token keys): the init script creates each service's role with it and the
 * service reads it as a secret (DATABASE_PASSWORD_FILE). Existing passwords are kept.
 *   node tools/dev/bin/run-ts.mjs tools/dev/src/compose-database.ts
 */
import { randomBytes } from 'node:crypto';
import { existsSync, mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { workspaceRoot } from './infrastructure';

export const DATABASE_SERVICES = [
  'exam',
  'accreditation',
  'certificate',
  'registry',
  'notifications',
] as const;

export function writeComposeDatabasePasswords(dir: string): void {
  mkdirSync(dir, { recursive: true });
  for (const service of DATABASE_SERVICES) {
    const file = join(dir, `${service}.password`);
    // Read by the containers' user, which is not the owner of the checkout.
    if (!existsSync(file)) writeFileSync(file, randomBytes(24).toString('hex'), { mode: 0o644 });
  }
}

if (require.main === module) {
  const dir = join(workspaceRoot, 'deploy', 'compose', 'local', 'postgres');
  writeComposeDatabasePasswords(dir);
  console.log(`database passwords in ${dir} (kept: run again only to create missing ones)`);
}
