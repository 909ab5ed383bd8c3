import { spawn, type ChildProcess } from 'node:child_process';
import { generateKeyPairSync, randomBytes, type KeyObject } from 'node:crypto';
import { existsSync, readdirSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import { createServer as createNetServer } from 'node:net';
import { join } from 'node:path';
import { Client } from 'pg';
import { SignJWT, exportJWK } from 'jose';
import { BUS_IDENTITIES, busServerConfig, type BusUser } from '@iso20000/events';
import { LocalNatsServer } from '@iso20000/testing';

/** The subgraphs as the runtime image holds them: services with a dist/main.js and their own database. */
export function runtimeServices(root: string): string[] {
  return readdirSync(join(root, 'services'), { withFileTypes: true })
    .filter((entry) => entry.isDirectory())
    .map((entry) => entry.name)
    .filter((name) => {
      try {
        const built = readdirSync(join(root, 'services', name, 'dist'));
        return built.includes('main.js') && built.includes('data-source.js');
      } catch {
        return false;
      }
    })
    .sort();
}

export async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createNetServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      const port = typeof address === 'object' && address ? address.port : 0;
      server.close(() => resolve(port));
    });
  });
}

/** A local identity provider: an RS256 key whose public half is served as a JWKS document. */
export interface LocalIdentityProvider {
  jwksUrl: string;
  issuer: string;
  audience: string;
  token(claims: Record<string, unknown>): Promise<string>;
  close(): Promise<void>;
}

export async function startLocalIdentityProvider(): Promise<LocalIdentityProvider> {
  const { privateKey, publicKey } = generateKeyPairSync('rsa', { modulusLength: 2048 });
  const jwk = { ...(await exportJWK(publicKey)), kid: 'runtime-test', alg: 'RS256', use: 'sig' };
  const server: Server = createServer((request, response) => {
    response.writeHead(request.url === '/jwks.json' ? 200 : 404, { 'content-type': 'application/json' });
    response.end(request.url === '/jwks.json' ? JSON.stringify({ keys: [jwk] }) : '{}');
  });
  const port = await freePort();
  await new Promise<void>((resolve) => server.listen(port, '127.0.0.1', resolve));
  const issuer = `http://127.0.0.1:${port}/`;
  const audience = 'iso20000-runtime-test';
  return {
    jwksUrl: `http://127.0.0.1:${port}/jwks.json`,
    issuer,
    audience,
    token: (claims) => signToken(privateKey, claims, issuer, audience),
    close: () => new Promise((resolve) => server.close(() => resolve())),
  };
}

const signToken = (key: KeyObject, claims: Record<string, unknown>, issuer: string, audience: string) =>
  new SignJWT(claims)
    .setProtectedHeader({ alg: 'RS256', kid: 'runtime-test' })
    .setIssuer(issuer)
    .setAudience(audience)
    .setIssuedAt()
    .setExpirationTime('10m')
    .sign(key);

/** A span as an OTLP/HTTP JSON exporter sends it, with the process that sent it. */
export interface ReceivedSpan {
  service: string;
  traceId: string;
  spanId: string;
  parentSpanId?: string;
  name: string;
  kind: number;
}

/** Collects the spans every process exports (OTEL_EXPORTER_OTLP_ENDPOINT), in memory. */
export async function startSpanReceiver(): Promise<{
  endpoint: string;
  spans: ReceivedSpan[];
  close(): Promise<void>;
}> {
  const spans: ReceivedSpan[] = [];
  const server = createServer((request, response) => {
    const chunks: Buffer[] = [];
    request.on('data', (chunk: Buffer) => chunks.push(chunk));
    request.on('end', () => {
      if (request.url === '/v1/traces') {
        const body = JSON.parse(Buffer.concat(chunks).toString('utf8')) as {
          resourceSpans?: Array<{
            resource?: { attributes?: Array<{ key: string; value: { stringValue?: string } }> };
            scopeSpans?: Array<{ spans?: Array<Omit<ReceivedSpan, 'service'>> }>;
          }>;
        };
        for (const resource of body.resourceSpans ?? []) {
          const service =
            resource.resource?.attributes?.find((a) => a.key === 'service.name')?.value.stringValue ??
            'unknown';
          for (const scope of resource.scopeSpans ?? []) {
            for (const span of scope.spans ?? []) {
              spans.push({
                service,
                traceId: span.traceId,
                spanId: span.spanId,
                parentSpanId: span.parentSpanId || undefined,
                name: span.name,
                kind: span.kind,
              });
            }
          }
        }
      }
      response.writeHead(200, { 'content-type': 'application/json' }).end('{}');
    });
  });
  const port = await freePort();
  await new Promise<void>((resolve) => server.listen(port, '127.0.0.1', resolve));
  return {
    endpoint: `http://127.0.0.1:${port}`,
    spans,
    close: () => new Promise((resolve) => server.close(() => resolve())),
  };
}

/** A fresh Ed25519 private JWK, as an operator would put in CERTIFICATE_SIGNING_KEY or REGISTRY_SIGNING_KEY. */
export function generateSigningKey(): string {
  const { privateKey } = generateKeyPairSync('ed25519');
  return JSON.stringify(privateKey.export({ format: 'jwk' }));
}

export interface RuntimeSystemOptions {
  /** The runtime folder (layout + production node_modules). */
  root: string;
  /** How each process starts: plain node on dist (production) or the register hook on src (dev). */
  command: (project: string) => string[];
  serverUrl: string;
  /**
   * An external NATS that takes anonymous connections (development mode only). Without it, the
   * system gets a private nats-server with one user per process, as a production bus has.
   */
  natsUrl?: string;
  namespace: string;
  identity: LocalIdentityProvider;
  nodeEnv?: 'production' | 'development';
  extraEnv?: Record<string, string>;
  /** Keep the databases at stop (default: dropped), e.g. to start again without migrating. */
  keepDatabases?: boolean;
}

export interface RuntimeSystem {
  gatewayUrl: string;
  /** Each process's Prometheus endpoint (METRICS_PORT). */
  metricsUrls: Record<string, string>;
  /** Milliseconds from spawn to a 200 from /ready, per process. */
  readyAfterMs: Record<string, number>;
  logs(): string;
  stop(): Promise<void>;
}

const databaseUrl = (serverUrl: string, database: string) => {
  const url = new URL(serverUrl);
  url.pathname = `/${database}`;
  return url.toString();
};

/**
 * Starts every subgraph, then the gateway, as a production host would: from the runtime folder,
 * with an environment holding only what the process is given (no NODE_OPTIONS, no -r hooks).
 */
export async function startRuntimeSystem(options: RuntimeSystemOptions): Promise<RuntimeSystem> {
  const services = runtimeServices(options.root);
  const children: Array<{ name: string; child: ChildProcess }> = [];
  const lines: string[] = [];
  const readyAfterMs: Record<string, number> = {};
  const ports: Record<string, number> = {};
  const metricsPorts: Record<string, number> = {};
  // The public web, a client of the gateway, when the workspace has one.
  const web = existsSync(join(options.root, 'services', 'web', 'dist', 'main.js')) ? ['web'] : [];
  for (const name of [...services, 'gateway', ...web]) {
    ports[name] = await freePort();
    metricsPorts[name] = await freePort();
  }
  let bus: LocalNatsServer | undefined;
  let natsUrl = options.natsUrl;
  const natsUsers = new Map<string, BusUser>();
  if (natsUrl === undefined) {
    const users: BusUser[] = BUS_IDENTITIES.map((identity) => ({
      identity,
      user: identity,
      password: randomBytes(18).toString('base64url'),
    }));
    bus = await LocalNatsServer.start({
      config: (port, storeDir) =>
        busServerConfig({ users, namespace: options.namespace, host: '127.0.0.1', port, storeDir }),
    });
    natsUrl = bus.url;
    for (const user of users) natsUsers.set(user.identity, user);
  }
  const baseEnv: Record<string, string> = {
    PATH: process.env.PATH ?? '/usr/bin:/bin',
    NODE_ENV: options.nodeEnv ?? 'production',
    LOG_LEVEL: 'info',
    NATS_URL: natsUrl,
    EVENTS_NAMESPACE: options.namespace,
    AUTH_JWKS_URL: options.identity.jwksUrl,
    AUTH_ISSUER: options.identity.issuer,
    AUTH_AUDIENCE: options.identity.audience,
    ...options.extraEnv,
  };

  const launch = async (name: string, project: string, env: Record<string, string>) => {
    const started = performance.now();
    const [command, ...args] = options.command(project);
    const natsUser = natsUsers.get(name);
    const natsCredentials = natsUser ? { NATS_USER: natsUser.user, NATS_PASSWORD: natsUser.password } : {};
    const child = spawn(command, args, {
      cwd: options.root,
      env: {
        ...baseEnv,
        ...natsCredentials,
        METRICS_PORT: String(metricsPorts[name]),
        OTEL_SERVICE_NAME: name,
        ...env,
      },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    children.push({ name, child });
    for (const stream of [child.stdout, child.stderr]) {
      stream?.on('data', (chunk: Buffer) => {
        for (const line of chunk.toString('utf8').split('\n')) if (line) lines.push(`[${name}] ${line}`);
        if (lines.length > 4000) lines.splice(0, 2000);
      });
    }
    const deadline = Date.now() + 120_000;
    while (Date.now() < deadline) {
      if (child.exitCode !== null) throw new Error(`${name} exited (${child.exitCode}):\n${recent()}`);
      try {
        if ((await fetch(`http://127.0.0.1:${ports[name]}/ready`)).ok) {
          readyAfterMs[name] = Math.round(performance.now() - started);
          return;
        }
      } catch {
        // not listening yet
      }
      await new Promise((resolve) => setTimeout(resolve, 25));
    }
    throw new Error(`${name} not ready within 120 s:\n${recent()}`);
  };
  const recent = () => lines.slice(-80).join('\n');

  const stopChild = (child: ChildProcess) =>
    new Promise<void>((resolve) => {
      if (child.exitCode !== null || child.signalCode !== null) return resolve();
      const force = setTimeout(() => child.kill('SIGKILL'), 10_000);
      child.once('exit', () => {
        clearTimeout(force);
        resolve();
      });
      child.kill('SIGTERM');
    });
  const stop = async () => {
    await Promise.all(children.filter((c) => c.name === 'gateway').map((c) => stopChild(c.child)));
    await Promise.all(children.filter((c) => c.name !== 'gateway').map((c) => stopChild(c.child)));
    await bus?.dispose();
    if (options.keepDatabases) return;
    const client = new Client({ connectionString: databaseUrl(options.serverUrl, 'postgres') });
    await client.connect();
    try {
      for (const name of services)
        await client.query(`DROP DATABASE IF EXISTS "${options.namespace}_${name}" WITH (FORCE)`);
    } finally {
      await client.end();
    }
  };

  try {
    // One at a time, so each cold start is measured without the others competing for the CPU.
    for (const name of services) {
      await launch(name, `services/${name}`, {
        PORT: String(ports[name]),
        DATABASE_URL: databaseUrl(options.serverUrl, `${options.namespace}_${name}`),
        ...(name === 'certificate'
          ? {
              CERTIFICATE_SIGNING_KEY: generateSigningKey(),
              CERTIFICATE_PUBLIC_BASE_URL: `http://127.0.0.1:${ports[name]}`,
            }
          : {}),
        ...(name === 'registry' ? { REGISTRY_SIGNING_KEY: generateSigningKey() } : {}),
        ...(name === 'notifications' ? { WEBHOOK_SECRET_KEY: randomBytes(32).toString('base64') } : {}),
      });
    }
    await launch('gateway', 'gateway', {
      PORT: String(ports.gateway),
      GATEWAY_WORKERS: '1',
      ...Object.fromEntries(
        services.map((name) => [`${name.toUpperCase()}_URL`, `http://127.0.0.1:${ports[name]}/graphql`]),
      ),
    });
    for (const name of web) {
      await launch(name, `services/${name}`, {
        PORT: String(ports[name]),
        GATEWAY_URL: `http://127.0.0.1:${ports.gateway}/graphql`,
        WEB_PUBLIC_BASE_URL: `http://127.0.0.1:${ports[name]}`,
      });
    }
  } catch (error) {
    await stop();
    throw error;
  }
  return {
    gatewayUrl: `http://127.0.0.1:${ports.gateway}/graphql`,
    metricsUrls: Object.fromEntries(
      Object.entries(metricsPorts).map(([name, port]) => [name, `http://127.0.0.1:${port}/metrics`]),
    ),
    readyAfterMs,
    logs: recent,
    stop,
  };
}
