import { execFileSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Client } from 'pg';
import { parse, parseAllDocuments } from 'yaml';
import { eventsEntities, eventsMigrations } from '@iso20000/events';
import { databaseUrlOf, openDataSource } from '@iso20000/service-kit';
import { testServerUrl } from '@iso20000/testing';
import { SUBGRAPH_SERVICES } from '@iso20000/topology';
import { writeComposeDatabasePasswords } from '@iso20000/tool-dev';

// The compose init script that gives each service its own role owning only its own database, run
// against the real server (psql), with a prefix so it cannot touch anyone's roles or databases.
const script = join(__dirname, '..', '..', '..', 'deploy', 'compose', 'postgres-init', '10-service-roles.sh');
// Every subgraph the topology names: a new service without a role fails here, not in production.
const SERVICES = SUBGRAPH_SERVICES;
const prefix = `t${randomBytes(3).toString('hex')}_`;
const server = new URL(testServerUrl());
const secrets = mkdtempSync(join(tmpdir(), 'pg-roles-'));
const passwords = Object.fromEntries(SERVICES.map((s) => [s, randomBytes(16).toString('hex')]));

const urlAs = (role: string, database: string) => {
  const url = new URL(server);
  url.username = role;
  url.password = '';
  url.pathname = `/${database}`;
  return url.toString();
};
const roleOf = (service: string) => `${prefix}${service}`;
const databaseOf = (service: string) => `${prefix}iso20000_${service}`;

async function as<T>(service: string, database: string, fn: (client: Client) => Promise<T>): Promise<T> {
  const client = new Client({ connectionString: urlAs(roleOf(service), database) });
  await client.connect();
  try {
    return await fn(client);
  } finally {
    await client.end();
  }
}

const errorCode = (promise: Promise<unknown>) =>
  promise.then(
    () => 'none',
    (error: { code?: string }) => error.code,
  );

const runScript = () =>
  execFileSync('sh', [script], {
    env: {
      PATH: process.env.PATH ?? '',
      SECRETS_DIR: secrets,
      ROLE_PREFIX: prefix,
      PGHOST: server.hostname,
      PGPORT: server.port || '5432',
      POSTGRES_USER: decodeURIComponent(server.username) || 'postgres',
      ...(server.password ? { PGPASSWORD: decodeURIComponent(server.password) } : {}),
    },
    stdio: 'pipe',
  });

beforeAll(() => {
  for (const service of SERVICES)
    writeFileSync(join(secrets, `postgres_${service}`), `${passwords[service]}\n`);
  runScript();
});

afterAll(async () => {
  rmSync(secrets, { recursive: true, force: true });
  const admin = new Client({ connectionString: testServerUrl() });
  await admin.connect();
  for (const service of SERVICES) {
    await admin.query(`DROP DATABASE IF EXISTS "${databaseOf(service)}" WITH (FORCE)`);
    await admin.query(`DROP ROLE IF EXISTS "${roleOf(service)}"`);
  }
  await admin.end();
});

describe('one PostgreSQL role per service (compose init script)', () => {
  it('gives each service a login role without superuser, database or role creation, owning its database', async () => {
    const admin = new Client({ connectionString: testServerUrl() });
    await admin.connect();
    try {
      for (const service of SERVICES) {
        const role = await admin.query(
          'SELECT rolsuper, rolcreatedb, rolcreaterole, rolcanlogin, rolpassword IS NOT NULL AS has_password FROM pg_authid WHERE rolname = $1',
          [roleOf(service)],
        );
        expect(role.rows).toEqual([
          {
            rolsuper: false,
            rolcreatedb: false,
            rolcreaterole: false,
            rolcanlogin: true,
            has_password: true,
          },
        ]);
        const owner = await admin.query(
          'SELECT pg_get_userbyid(datdba) AS owner FROM pg_database WHERE datname = $1',
          [databaseOf(service)],
        );
        expect(owner.rows).toEqual([{ owner: roleOf(service) }]);
      }
    } finally {
      await admin.end();
    }
  });

  it("a service migrates its own database (tables, trusted extensions) and cannot reach another's", async () => {
    const dataSource = await openDataSource({
      url: urlAs(roleOf('registry'), databaseOf('registry')),
      entities: eventsEntities,
      migrations: eventsMigrations,
    });
    try {
      await dataSource.query('CREATE EXTENSION IF NOT EXISTS pg_trgm WITH SCHEMA public');
      await dataSource.query('CREATE EXTENSION IF NOT EXISTS unaccent WITH SCHEMA public');
      expect((await dataSource.query('SELECT count(*)::int AS n FROM outbox_event'))[0].n).toBe(0);
    } finally {
      await dataSource.destroy();
    }
    // 42501 insufficient_privilege: no CONNECT on another service's database
    await expect(errorCode(as('registry', databaseOf('exam'), async () => undefined))).resolves.toBe('42501');
    await expect(errorCode(as('exam', databaseOf('certificate'), async () => undefined))).resolves.toBe(
      '42501',
    );
  });

  it('a service cannot create databases or roles, nor read the password hashes', async () => {
    await as('exam', databaseOf('exam'), async (client) => {
      await expect(errorCode(client.query(`CREATE DATABASE "${prefix}other"`))).resolves.toBe('42501');
      await expect(errorCode(client.query(`CREATE ROLE "${prefix}other"`))).resolves.toBe('42501');
      await expect(errorCode(client.query('SELECT rolpassword FROM pg_authid'))).resolves.toBe('42501');
    });
  });

  it('can be run again (passwords and ownership reset, nothing duplicated)', async () => {
    expect(() => runScript()).not.toThrow();
  });

  it('the service reads its password from DATABASE_PASSWORD_FILE into the URL', () => {
    const url = databaseUrlOf({
      DATABASE_URL: urlAs(roleOf('exam'), databaseOf('exam')),
      DATABASE_PASSWORD_FILE: join(secrets, 'postgres_exam'),
    });
    expect(new URL(url).password).toBe(passwords.exam);
    expect(new URL(url).username).toBe(roleOf('exam'));
  });
});

describe('docker-compose.yml', () => {
  const root = join(__dirname, '..', '..', '..');
  interface Service {
    environment?: Record<string, string>;
    secrets?: string[];
    volumes?: string[];
  }
  const compose = parse(readFileSync(join(root, 'docker-compose.yml'), 'utf8'), { merge: true }) as {
    services: Record<string, Service>;
    secrets: Record<string, { file: string }>;
  };

  it.each(SERVICES)('connects %s as its own role, its password a secret, never the superuser', (service) => {
    const env = compose.services[service].environment ?? {};
    const url = new URL(env.DATABASE_URL);
    expect([url.username, url.password, url.pathname]).toEqual([service, '', `/iso20000_${service}`]);
    expect(env.DATABASE_PASSWORD_FILE).toBe(`/run/secrets/postgres_${service}`);
    expect(compose.services[service].secrets).toContain(`postgres_${service}`);
    expect(compose.services.postgres.secrets).toContain(`postgres_${service}`);
    expect(compose.secrets[`postgres_${service}`].file).toBe(
      `./deploy/compose/local/postgres/${service}.password`,
    );
  });

  it('runs the init script on the PostgreSQL container, with passwords compose-database writes', () => {
    expect(compose.services.postgres.volumes).toContain(
      './deploy/compose/postgres-init/10-service-roles.sh:/docker-entrypoint-initdb.d/10-service-roles.sh:ro',
    );
    const dir = mkdtempSync(join(tmpdir(), 'compose-db-'));
    try {
      writeComposeDatabasePasswords(dir);
      const first = SERVICES.map((s) => readFileSync(join(dir, `${s}.password`), 'utf8'));
      expect(new Set(first).size).toBe(SERVICES.length);
      writeComposeDatabasePasswords(dir);
      expect(SERVICES.map((s) => readFileSync(join(dir, `${s}.password`), 'utf8'))).toEqual(first);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});

interface K8sObject {
  kind: string;
  spec: {
    template?: {
      spec: {
        containers: Array<{ env: Array<{ name: string; valueFrom?: { secretKeyRef: { name: string } } }> }>;
      };
    };
    managed?: { roles: Array<{ name: string; passwordSecret: { name: string } } & Record<string, unknown>> };
    bootstrap?: { initdb: Record<string, unknown> };
    postgresql?: { pg_hba: string[] };
    name?: string;
    owner?: string;
  };
}

describe('deploy/k8s', () => {
  const k8s = join(__dirname, '..', '..', '..', 'deploy', 'k8s');
  const documents = (file: string) =>
    parseAllDocuments(readFileSync(join(k8s, file), 'utf8')).map((d) => d.toJSON() as K8sObject);

  it('single-node runs the same roles script as compose', () => {
    expect(readFileSync(join(k8s, 'overlays/single-node/postgres-init/10-service-roles.sh'), 'utf8')).toBe(
      readFileSync(script, 'utf8'),
    );
  });

  it.each(SERVICES)('%s connects with its own secret, never a shared or superuser one', (service) => {
    const [deployment] = documents(`base/${service}.yaml`).filter((d) => d.kind === 'Deployment');
    const env = deployment.spec.template!.spec.containers[0].env;
    for (const name of ['PG_USER', 'PG_PASSWORD'])
      expect(env.find((e) => e.name === name)?.valueFrom?.secretKeyRef.name).toBe(`iso20000-db-${service}`);
  });

  it('ha: CloudNativePG manages one role per service, without superuser or createdb, each owning its database', () => {
    const objects = documents('overlays/ha/postgres-cnpg.yaml');
    const cluster = objects.find((o) => o.kind === 'Cluster')!;
    const roles = cluster.spec.managed!.roles;
    expect(roles.map((r) => r.name).sort()).toEqual([...SERVICES].sort());
    for (const role of roles) {
      expect(role).toMatchObject({ login: true, superuser: false, createdb: false, createrole: false });
      expect(role.passwordSecret.name).toBe(`iso20000-db-${role.name}`);
    }
    expect(cluster.spec.bootstrap!.initdb).toMatchObject({ database: 'iso20000_exam', owner: 'exam' });
    const owners = objects.filter((o) => o.kind === 'Database').map((d) => [d.spec.name, d.spec.owner]);
    expect(owners).toEqual(SERVICES.slice(1).map((s) => [`iso20000_${s}`, s]));
    expect(cluster.spec.postgresql!.pg_hba.at(-1)).toMatch(/ all all reject$/);
  });
});
