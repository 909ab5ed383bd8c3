/**
 * The event bus users for docker compose, kept like the token keys under deploy/compose/local/
 * (git-ignored): users.json, the nats-server configuration the nats container reads, and one
 * password file per process that compose hands it as a secret (NATS_PASSWORD_FILE).
 *   node tools/dev/bin/run-ts.mjs tools/dev/src/compose-bus.ts
 * With `k8s`, it rewrites the cluster's users and grants instead (deploy/k8s/base/nats-auth.conf,
 * passwords from the server's environment), after a change to busPermissions.
 */
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { BUS_IDENTITIES, busAuthorizationConf } from '@iso20000/events';
import { ensureBusCredentials, writeBusServerConfig } from './bus-credentials';
import { workspaceRoot } from './infrastructure';

export function writeComposeBus(dir: string): void {
  const credentials = ensureBusCredentials(dir);
  writeBusServerConfig(dir, credentials, { host: '0.0.0.0', port: 4222, httpPort: 8222, storeDir: '/data' });
  // Read by the containers' user, which is not the owner of the checkout.
  for (const identity of BUS_IDENTITIES) {
    writeFileSync(join(dir, `${identity}.password`), credentials[identity].password, { mode: 0o644 });
  }
}

if (require.main === module && process.argv.includes('k8s')) {
  const file = join(workspaceRoot, 'deploy', 'k8s', 'base', 'nats-auth.conf');
  writeFileSync(file, busAuthorizationConf());
  console.log(`wrote ${file}`);
} else if (require.main === module) {
  const dir = join(workspaceRoot, 'deploy', 'compose', 'local', 'nats');
  writeComposeBus(dir);
  console.log(`event bus users in ${dir} (kept: run again only to create missing ones)`);
}
