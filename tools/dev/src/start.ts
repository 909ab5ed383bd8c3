import { signDevToken } from '@iso20000/auth';
import { randomBytes } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { ensureInfrastructure, MissingInfrastructure, workspaceRoot } from './infrastructure';
import { DEFAULT_PORTS, startSystem, type RunningSystem } from './launcher';
import { portAnswers } from './infrastructure';
import { ensureDemoData, type DemoData } from './demo-data';

const colours: Record<string, string> = {
  exam: '\x1b[36m',
  accreditation: '\x1b[35m',
  certificate: '\x1b[33m',
  registry: '\x1b[32m',
  gateway: '\x1b[34m',
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

async function main() {
  for (const [name, port] of Object.entries(DEFAULT_PORTS)) {
    if (await portAnswers('127.0.0.1', port, 300)) {
      throw new MissingInfrastructure(
        `port ${port} (for ${name}) is already in use: stop what runs there, or the previous npm start`,
      );
    }
  }
  const infrastructure = await ensureInfrastructure(say);
  say(`PostgreSQL: ${infrastructure.postgresSource}`);
  say(`NATS: ${infrastructure.natsSource}`);
  const secret = devSecret();
  say('starting exam, accreditation, certificate, registry, then the gateway (migrations run on start)...');
  let system: RunningSystem;
  try {
    system = await startSystem({
      databaseUrl: infrastructure.databaseUrl,
      natsUrl: infrastructure.natsUrl,
      authSecret: secret,
      ports: 'default',
      databasePrefix: 'iso20000',
      nodeEnv: 'development',
      extraEnv: { LOG_LEVEL: process.env.LOG_LEVEL ?? 'info' },
      onLog: (name, line) =>
        process.stdout.write(`${colours[name] ?? ''}${name.padEnd(13)}\x1b[0m| ${line}\n`),
    });
  } catch (error) {
    await infrastructure.stop();
    throw error;
  }

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
    demo = await ensureDemoData(system, staff, say);
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

  let stopping = false;
  const stop = async (signal: string) => {
    if (stopping) return;
    stopping = true;
    say(`${signal}: stopping services and gateway...`);
    await system.stop();
    await infrastructure.stop();
    say('stopped');
    process.exit(0);
  };
  process.on('SIGINT', () => void stop('SIGINT'));
  process.on('SIGTERM', () => void stop('SIGTERM'));
}

main().catch((error: unknown) => {
  process.stderr.write(
    `\n\x1b[31mnpm start failed:\x1b[0m ${error instanceof Error ? error.message : String(error)}\n`,
  );
  process.exit(1);
});
