#!/usr/bin/env node
// Runs GraphQL Code Generator for each service (each owns its codegen.ts next to its schema).
// `--check` fails when a committed generated file differs from what the schema produces.
import { execFileSync } from 'node:child_process';
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';

const root = new URL('../../..', import.meta.url).pathname;
const check = process.argv.includes('--check');
const only = process.argv.slice(2).filter((a) => !a.startsWith('--'));
let stale = 0;
for (const service of readdirSync(join(root, 'services'))) {
  if (only.length && !only.includes(service)) continue;
  const config = join(root, 'services', service, 'codegen.ts');
  if (!existsSync(config)) continue;
  const generated = join(root, 'services', service, 'src/generated/graphql.ts');
  const before = existsSync(generated) ? readFileSync(generated, 'utf8') : '';
  execFileSync(join(root, 'node_modules/.bin/graphql-codegen'), ['--config', config, '--silent'], {
    cwd: join(root, 'services', service),
    stdio: 'inherit',
  });
  if (check && readFileSync(generated, 'utf8') !== before) {
    console.error(
      `services/${service}: generated resolver types were stale (run npm run codegen and commit)`,
    );
    stale++;
  }
}
process.exit(stale ? 1 : 0);
