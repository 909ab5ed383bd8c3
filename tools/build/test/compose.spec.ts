import { execFileSync, spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parse } from 'yaml';
import { writeComposeBus } from '@iso20000/tool-dev';

// docker-compose.yml against the code it runs: every process of the workspace from its dist/, in
// production mode, with what production refuses to start without; and the compose tool's own
// validation wherever `docker compose` or `docker-compose` is installed.

const root = join(__dirname, '..', '..', '..');
interface ComposeService {
  image?: string;
  build?: string;
  command?: string[] | string;
  environment?: Record<string, string>;
  depends_on?: Record<string, { condition: string }>;
  restart?: string;
  healthcheck?: unknown;
  secrets?: string[];
  volumes?: string[];
  ports?: string[];
}
/** Compose's interpolation with nothing set in the environment: `${NAME:-default}` -> default. */
const interpolate = (text: string) =>
  text.replace(
    /(?<!\$)\$\{([A-Z0-9_]+)(?::?-([^}]*))?\}/g,
    (_match, _name, fallback?: string) => fallback ?? '',
  );
const compose = parse(interpolate(readFileSync(join(root, 'docker-compose.yml'), 'utf8')), {
  merge: true,
}) as {
  services: Record<string, ComposeService>;
  secrets?: Record<string, { file: string }>;
  volumes?: Record<string, unknown>;
};
const services = compose.services;
const commandOf = (service: ComposeService) =>
  Array.isArray(service.command) ? service.command.join(' ') : (service.command ?? '');

/** Every long-running process in the workspace: each services/<name> with a main.ts, and the gateway. */
const processes = [
  ...readdirSync(join(root, 'services')).filter((name) =>
    existsSync(join(root, 'services', name, 'src', 'main.ts')),
  ),
  'gateway',
];
const subgraphs = processes.filter((name) =>
  existsSync(join(root, 'services', name, 'src', 'data-source.ts')),
);

it.each(processes)('runs %s from dist/ in production mode', (name) => {
  const service = services[name];
  expect(service).toBeDefined();
  const project = name === 'gateway' ? 'gateway' : `services/${name}`;
  expect(commandOf(service)).toContain(`node ${project}/dist/main.js`);
  expect(commandOf(service)).not.toMatch(/swc-node|\.ts\b/);
  expect(service.environment?.NODE_ENV).toBe('production');
  expect(service.environment?.PORT).toMatch(/^\d+$/);
  expect(service.restart).toBe('unless-stopped');
  // Started only when what it needs answers its health check, not merely when it was started.
  for (const [dependency, { condition }] of Object.entries(service.depends_on ?? {})) {
    expect([dependency, condition]).toEqual([dependency, 'service_healthy']);
    const target = services[dependency];
    // Our image has a HEALTHCHECK (Dockerfile); others need one here.
    if (target.build === undefined)
      expect([dependency, target.healthcheck]).toEqual([dependency, expect.anything()]);
  }
});

it.each(subgraphs)('gives %s its own database, NATS and the identity provider', (name) => {
  const env = services[name].environment ?? {};
  expect(new URL(env.DATABASE_URL).pathname).toBe(`/iso20000_${name}`);
  expect(env.NATS_URL).toMatch(/^nats:\/\//);
  // Production refuses to start without a JWKS to verify tokens against.
  expect(env.AUTH_JWKS_URL).toMatch(/^https?:\/\//);
  expect(Object.keys(services[name].depends_on ?? {})).toEqual(expect.arrayContaining(['postgres', 'nats']));
});

it('hands the certificate service its signing key, which production requires', () => {
  const certificate = services.certificate;
  expect(certificate.secrets).toContain('certificate_signing_key');
  expect(compose.secrets?.certificate_signing_key.file).toBe(
    './deploy/compose/local/certificate-signing-key.jwk',
  );
  expect(commandOf(certificate)).toContain(
    'CERTIFICATE_SIGNING_KEY="$$(cat /run/secrets/certificate_signing_key)"',
  );
  // The script that makes the key writes it where the secret reads it.
  expect(readFileSync(join(root, 'tools/build/bin/local-idp.mjs'), 'utf8')).toContain(
    "'certificate-signing-key.jwk'",
  );
});

it('hands the registry its own signing key for signed records, which production requires', () => {
  const registry = services.registry;
  expect(registry.secrets).toContain('registry_signing_key');
  expect(compose.secrets?.registry_signing_key.file).toBe('./deploy/compose/local/registry-signing-key.jwk');
  expect(commandOf(registry)).toContain('REGISTRY_SIGNING_KEY="$$(cat /run/secrets/registry_signing_key)"');
  expect(commandOf(registry)).toContain('exec node services/registry/dist/main.js');
  expect(readFileSync(join(root, 'tools/build/bin/local-idp.mjs'), 'utf8')).toContain(
    "'registry-signing-key.jwk'",
  );
});

it.each([...subgraphs, 'gateway'])('connects %s to NATS as its own user, password from a secret', (name) => {
  const env = services[name].environment ?? {};
  expect(env.NATS_USER).toBe(name);
  expect(env.NATS_PASSWORD).toBeUndefined();
  expect(env.NATS_PASSWORD_FILE).toBe(`/run/secrets/nats_${name}`);
  expect(services[name].secrets).toContain(`nats_${name}`);
  expect(compose.secrets?.[`nats_${name}`].file).toBe(`./deploy/compose/local/nats/${name}.password`);
});

it('runs NATS with the generated users, which compose-bus writes where the secrets read them', () => {
  expect(commandOf(services.nats)).toBe('-js -c /etc/nats/nats.conf');
  expect(services.nats.volumes).toContain('./deploy/compose/local/nats/nats.conf:/etc/nats/nats.conf:ro');
  const dir = mkdtempSync(join(tmpdir(), 'compose-bus-'));
  try {
    writeComposeBus(dir);
    const config = JSON.parse(readFileSync(join(dir, 'nats.conf'), 'utf8')) as {
      http_port: number;
      jetstream: { store_dir: string };
      authorization: { users: Array<{ user: string; password: string }> };
    };
    expect(config.http_port).toBe(8222);
    expect(config.jetstream.store_dir).toBe('/data');
    for (const name of [...subgraphs, 'gateway']) {
      const user = config.authorization.users.find((u) => u.user === name);
      expect(readFileSync(join(dir, `${name}.password`), 'utf8')).toBe(user?.password);
    }
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

it('points the gateway at every subgraph on the port it listens on, and publishes only public ports', () => {
  const gateway = services.gateway.environment ?? {};
  for (const name of subgraphs) {
    expect(gateway[`${name.toUpperCase()}_URL`]).toBe(
      `http://${name}:${services[name].environment?.PORT}/graphql`,
    );
    expect(services[name].ports).toBeUndefined();
  }
  expect(services.gateway.ports).toEqual(['4000:4000']);
  for (const [name, service] of Object.entries(services)) {
    for (const port of service.ports ?? [])
      expect([name, port]).not.toEqual([name, expect.stringContaining('9464')]);
  }
});

it('keeps PostgreSQL and JetStream data in volumes', () => {
  expect(services.postgres.volumes).toContain('pgdata:/var/lib/postgresql/data');
  expect(services.nats.volumes).toContain('natsdata:/data');
  expect(Object.keys(compose.volumes ?? {})).toEqual(expect.arrayContaining(['pgdata', 'natsdata']));
});

const composeTool = (() => {
  if (spawnSync('docker', ['compose', 'version'], { stdio: 'ignore' }).status === 0)
    return ['docker', 'compose'];
  if (spawnSync('docker-compose', ['version'], { stdio: 'ignore' }).status === 0) return ['docker-compose'];
  return null;
})();

(composeTool ? it : it.skip)(
  `is valid for the compose tool (${composeTool?.join(' ') ?? 'not installed'})`,
  () => {
    const [command, ...args] = composeTool ?? [];
    expect(() =>
      execFileSync(command, [...args, '-f', join(root, 'docker-compose.yml'), 'config', '-q'], {
        stdio: 'pipe',
      }),
    ).not.toThrow();
  },
);
