import { signDevToken } from '@iso20000/auth';
import { randomBytes } from 'node:crypto';
import { existsSync, fstatSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { DEFAULT_PORTS, SUBGRAPH_SERVICES } from '@iso20000/topology';
import {
  ensureInfrastructure,
  MissingInfrastructure,
  portAnswers,
  workspaceRoot,
  type Infrastructure,
} from './infrastructure';
import { StartInterrupted, startSystem, type RunningSystem } from './launcher';
import { ensureDemoData, type DemoData } from './demo-data';

const colours: Record<string, string> = {
  exam: '\x1b[36m',
  accreditation: '\x1b[35m',
  certificate: '\x1b[33m',
  registry: '\x1b[32m',
  gateway: '\x1b[34m',
  web: '\x1b[94m',
  launcher: '\x1b[1;31m',
};
const say = (message: string) => process.stdout.write(`\x1b[1m[start]\x1b[0m ${message}\n`);

/** The development secret: AUTH_DEV_SECRET, else one generated once and kept in .data/ (never committed). */
function devSecret(): string {
  if (process.env.AUTH_DEV_SECRET) return process.env.AUTH_DEV_SECRET;
  const file = join(workspaceRoot, '.data', 'auth-dev-secret');
  if (!existsSync(file)) {
    mkdirSync(join(workspaceRoot, '.data'), { recursive: true });
    writeFileSync(file, randomBytes(32).toString('base64url'), { mode: 0o600 });
  }
  return readFileSync(file, 'utf8').trim();
}

/**
 * `npm start [-- --ports=free --prefix=NAME --no-demo-data]`: free ports, databases and events
 * namespace NAME, and no demo data let a test run the real start beside a developer's system.
 */
function startOptions(argv: string[]) {
  const value = (flag: string) => argv.find((arg) => arg.startsWith(`${flag}=`))?.slice(flag.length + 1);
  const prefix = value('--prefix');
  return {
    ports: value('--ports') === 'free' ? ('free' as const) : ('default' as const),
    prefix,
    demoData: !argv.includes('--no-demo-data'),
  };
}

async function main() {
  const options = startOptions(process.argv.slice(2));
  // Signals are taken from the first moment: stopped while migrating, everything launched so far is
  // stopped too (services before PostgreSQL and NATS), never left holding the ports.
  const interrupt = new AbortController();
  const starting: { infrastructure?: Promise<Infrastructure>; system?: Promise<RunningSystem> } = {};
  let stopping = false;
  const stop = async (reason: string) => {
    if (stopping) return;
    stopping = true;
    say(`${reason}: stopping the gateway and services, then the infrastructure...`);
    interrupt.abort();
    // A start under way is awaited: an interrupted startSystem stops what it launched itself.
    await starting.system?.then(
      (system) => system.stop(),
      () => undefined,
    );
    await starting.infrastructure?.then(
      (infrastructure) => infrastructure.stop(),
      () => undefined,
    );
    say('stopped');
    process.exit(0);
  };
  for (const signal of ['SIGINT', 'SIGTERM'] as const) process.on(signal, () => void stop(signal));
  // bin/start.mjs holds our stdin: when it is gone (killed outright), nobody else would stop us.
  if (fstatSync(0).isFIFO()) {
    process.stdin.on('end', () => void stop('npm start exited')).resume();
  }

  if (options.ports === 'default') {
    for (const name of [...SUBGRAPH_SERVICES, 'gateway'] as const) {
      const port = DEFAULT_PORTS[name];
      if (await portAnswers('127.0.0.1', port, 300)) {
        throw new MissingInfrastructure(
          `port ${port} (for ${name}) is already in use: stop what runs there, or the previous npm start`,
        );
      }
    }
  }
  starting.infrastructure = ensureInfrastructure(say, {
    authenticatedBus: true,
    ...(options.prefix ? { namespace: options.prefix } : {}),
  });
  const infrastructure = await starting.infrastructure;
  if (stopping) return;
  say(`PostgreSQL: ${infrastructure.postgresSource}`);
  say(`NATS: ${infrastructure.natsSource}`);
  const secret = devSecret();
  say('starting exam, accreditation, certificate, registry, then the gateway (migrations run on start)...');
  starting.system = startSystem({
    databaseUrl: infrastructure.databaseUrl,
    natsUrl: infrastructure.natsUrl,
    ...(infrastructure.natsCredentials ? { natsCredentials: infrastructure.natsCredentials } : {}),
    authSecret: secret,
    ports: options.ports,
    databasePrefix: options.prefix ?? 'iso20000',
    ...(options.prefix ? { namespace: options.prefix } : {}),
    nodeEnv: 'development',
    extraEnv: { LOG_LEVEL: process.env.LOG_LEVEL ?? 'info' },
    signal: interrupt.signal,
    web: true,
    onLog: (name, line) => process.stdout.write(`${colours[name] ?? ''}${name.padEnd(13)}\x1b[0m| ${line}\n`),
    onNotice: (message) => process.stdout.write(`${colours.launcher}[launcher]\x1b[0m ${message}\n`),
  });
  let system: RunningSystem;
  try {
    system = await starting.system;
  } catch (error) {
    if (stopping || error instanceof StartInterrupted) return; // stop() is under way
    await infrastructure.stop();
    throw error;
  }
  if (stopping) return;

  const staff = await signDevToken(secret, { sub: 'demo-staff', role: 'scheme_staff', name: 'Demo Staff' });
  const analyst = await signDevToken(secret, { sub: 'demo-analyst', role: 'analyst', name: 'Demo Analyst' });
  const candidateId = '00000000-0000-4000-8000-00000000c0de';
  const candidate = await signDevToken(secret, {
    sub: 'demo-candidate',
    role: 'candidate',
    candidate_id: candidateId,
    name: 'Casey Candidate',
  });
  let demo: DemoData | undefined;
  try {
    if (options.demoData) demo = await ensureDemoData(system, staff, say);
  } catch (error) {
    say(
      `demo data could not be created (the system still runs): ${error instanceof Error ? error.message : String(error)}`,
    );
  }
  const atoStaff = demo
    ? await signDevToken(secret, {
        sub: 'demo-ato-staff',
        role: 'ato_staff',
        ato_id: demo.atoId,
        name: 'Avery ATO',
      })
    : undefined;
  process.stdout.write(`
\x1b[1mThe scheme's graph is up: ${system.gatewayUrl}\x1b[0m  (open it in a browser for Apollo Sandbox)
\x1b[1mThe public web: ${system.webUrl}\x1b[0m  (badges, verification, registry, find a training provider)

Try it:
  curl -s ${system.gatewayUrl} -H 'content-type: application/json' \\
    -d '{"query":"{ exams { code name passMark maxMarks durationMinutes languages { tag name } } }"}'

Demo credentials (valid 12 h; make more with: npm run token -- <role> [--candidate ID | --ato ID]):
  scheme_staff: Authorization: Bearer ${staff}
  analyst:      Authorization: Bearer ${analyst}
  candidate:    Authorization: Bearer ${candidate}
${
  demo
    ? `  ato_staff:    Authorization: Bearer ${atoStaff}   (ATO ${demo.atoId})
  RCB API key:  Authorization: ApiKey ${demo.rcbApiKey}   (RCB ${demo.rcbId})
  A public Foundation session to register for: ${demo.publicSessionId ?? '(none)'}
`
    : ''
}
Ctrl-C stops everything.
`);
}

main().catch((error: unknown) => {
  process.stderr.write(
    `\n\x1b[31mnpm start failed:\x1b[0m ${error instanceof Error ? error.message : String(error)}\n`,
  );
  process.exit(1);
});
