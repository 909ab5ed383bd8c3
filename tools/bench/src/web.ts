/**
 * The public web's figures: badge page and verification page requests/s and latency, each beside
 * the GraphQL query it makes sent straight to the gateway (what rendering adds). Starts its own
 * system (free ports, throwaway databases), the web server as its own process, and a claimed badge
 * made through the API.
 *
 *   npm run bench:web -- [--duration 10] [--connections 10]
 */
import { spawn } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import autocannon from 'autocannon';
import { workspaceRoot } from '@iso20000/tool-dev/src/infrastructure';
import { freePort, startSystem, type RunningSystem } from '@iso20000/tool-dev/src/launcher';
import { summarizeLatencies, type LatencySummary } from './stats';
import { nodeArgsForSource } from '@iso20000/tool-dev/src/source-node';

const log = (line: string) => process.stdout.write(`${line}\n`);
const arg = (name: string, fallback: number) => {
  const index = process.argv.indexOf(`--${name}`);
  const value = index >= 0 ? Number(process.argv[index + 1]) : fallback;
  if (!Number.isFinite(value) || value <= 0) throw new Error(`--${name} needs a positive number`);
  return value;
};

interface Figure {
  name: string;
  url: string;
  requests: number;
  requestsPerSecond: number;
  latency: LatencySummary;
  non2xx: number;
  errors: number;
}

async function ok<T>(system: RunningSystem, query: string, variables: object, token?: string): Promise<T> {
  const result = await system.query<T>(query, variables as Record<string, unknown>, token);
  if (result.errors?.length) throw new Error(JSON.stringify(result.errors));
  return result.data as T;
}

/** A released Foundation pass and its claimed badge, as the exam office and the holder make them. */
async function claimedBadge(system: RunningSystem) {
  const staff = await system.token('scheme_staff');
  const candidate = await system.token('candidate', { candidateId: randomUUID(), name: 'Bench Holder' });
  const startsAt = new Date(Date.now() + 7 * 86_400_000).toISOString();
  const session = await ok<{ scheduleExamSession: { id: string } }>(
    system,
    'mutation($input: ScheduleExamSessionInput!) { scheduleExamSession(input: $input) { id } }',
    {
      input: {
        kind: 'PUBLIC',
        examCode: 'FOUNDATION',
        venue: 'Scheme office, London',
        country: 'GB',
        region: 'UK',
        startsAt,
        languages: ['en'],
        capacity: 5,
      },
    },
    staff,
  );
  const { registerForExam } = await ok<{ registerForExam: { id: string } }>(
    system,
    'mutation($input: RegisterForExamInput!) { registerForExam(input: $input) { id } }',
    { input: { sessionId: session.scheduleExamSession.id, language: 'en' } },
    candidate,
  );
  await ok(
    system,
    'mutation($id: ID!) { recordSittingAttendance(input: { sittingId: $id, present: true }) { state } }',
    { id: registerForExam.id },
    staff,
  );
  const forms = await ok<{ examForms: { edges: Array<{ node: { answerKey: { answers: string[] } } }> } }>(
    system,
    '{ examForms(examCode: FOUNDATION, language: "en") { edges { node { answerKey { answers } } } } }',
    {},
    staff,
  );
  const answers = forms.examForms.edges[0].node.answerKey.answers.map((a, i) => (i < 34 ? a : null));
  await ok(
    system,
    'mutation($input: MarkSittingInput!) { markSitting(input: $input) { state } }',
    { input: { sittingId: registerForExam.id, answers } },
    staff,
  );
  const deadline = Date.now() + 60_000;
  for (;;) {
    const data = await ok<{
      me: { certificates: { edges: Array<{ node: { id: string; number: string; status: string } }> } };
    }>(system, '{ me { certificates(first: 1) { edges { node { id number status } } } } }', {}, candidate);
    const certificate = data.me.certificates.edges.find((e) => e.node.status === 'ISSUED')?.node;
    if (certificate) {
      const claimed = await ok<{ claimCertificateBadge: { id: string } }>(
        system,
        'mutation($id: ID!) { claimCertificateBadge(certificateId: $id) { id } }',
        { id: certificate.id },
        candidate,
      );
      return { badgeId: claimed.claimCertificateBadge.id, number: certificate.number };
    }
    if (Date.now() > deadline) throw new Error('the certificate was not issued within 60 s');
    await new Promise((resolve) => setTimeout(resolve, 250));
  }
}

function measure(
  name: string,
  url: string,
  options: { durationSeconds: number; connections: number; body?: string },
): Promise<Figure> {
  const samples: number[] = [];
  const run = randomUUID().slice(0, 8);
  let seq = 0;
  return new Promise((resolve, reject) => {
    const instance = autocannon(
      {
        url,
        connections: options.connections,
        duration: options.durationSeconds,
        ...(options.body
          ? { method: 'POST', body: options.body, headers: { 'content-type': 'application/json' } }
          : { method: 'GET', headers: { 'accept-language': 'en' } }),
        // A unique request id on every request, as the web server sends its own: identical requests
        // would be collapsed in flight by the gateway and the direct figures inflated.
        requests: [
          {
            setupRequest: (request) => {
              seq += 1;
              return {
                ...request,
                headers: { ...request.headers, 'x-request-id': `bench-web-${run}-${seq}` },
              };
            },
          },
        ],
      },
      (error, result) => {
        if (error) return reject(error);
        const answered = result.requests.total - result.non2xx - result.errors;
        resolve({
          name,
          url,
          requests: result.requests.total,
          requestsPerSecond: result.duration > 0 ? Math.max(0, answered) / result.duration : 0,
          latency: summarizeLatencies(samples),
          non2xx: result.non2xx,
          errors: result.errors,
        });
      },
    );
    instance.on('response', (_client, _status, _bytes, responseTime) => samples.push(responseTime));
  });
}

async function main() {
  const durationSeconds = arg('duration', 10);
  const connections = arg('connections', 10);
  const webPort = await freePort();
  const webUrl = `http://127.0.0.1:${webPort}`;
  log('starting the system (free ports, throwaway databases)...');
  const system = await startSystem({
    namespace: `iso20000_benchweb_${randomUUID().slice(0, 8)}`,
    extraEnv: {
      LOG_LEVEL: 'warn',
      CERTIFICATE_PUBLIC_BASE_URL: webUrl,
      // One client (this bench, through the web server) makes every verification.
      VERIFY_RATE_LIMIT_BURST: '1000000000',
      VERIFY_RATE_LIMIT_PER_MINUTE: '1000000000',
    },
  });
  const web = spawn(
    process.execPath,
    nodeArgsForSource(join(workspaceRoot, 'services', 'web', 'src', 'main.ts')),
    {
      cwd: workspaceRoot,
      env: {
        ...process.env,
        PORT: String(webPort),
        GATEWAY_URL: system.gatewayUrl,
        WEB_PUBLIC_BASE_URL: webUrl,
        LOG_LEVEL: 'warn',
      },
      stdio: ['ignore', 'inherit', 'inherit'],
    },
  );
  try {
    for (let i = 0; ; i++) {
      if (web.exitCode !== null) throw new Error(`the web server exited with code ${web.exitCode}`);
      if (
        await fetch(`${webUrl}/ready`).then(
          (r) => r.ok,
          () => false,
        )
      )
        break;
      if (i > 200) throw new Error('the web server was not ready within 30 s');
      await new Promise((resolve) => setTimeout(resolve, 150));
    }
    const { badgeId, number } = await claimedBadge(system);
    log(
      `badge ${badgeId}, certificate ${number}; ${connections} connections, ${durationSeconds} s per run after 2 s of warm-up`,
    );
    const badgeQuery = JSON.stringify({
      query:
        'query WebBadgePage($id: ID!) { certificateBadge(id: $id) { id pageUrl credentialJwt verification { status number holderName examCode examTitle issuedOn revokedOn } embeds { html emailSignatureHtml cvLink cvText } } }',
      variables: { id: badgeId },
    });
    const verifyQuery = JSON.stringify({
      query:
        'query WebVerify($number: String!) { verifyCertificate(number: $number) { status number holderName examCode examTitle issuedOn revokedOn } }',
      variables: { number },
    });
    const runs: Array<[string, string, string | undefined]> = [
      ['badge page (web)', `${webUrl}/badges/${badgeId}`, undefined],
      ['badge query (gateway)', system.gatewayUrl, badgeQuery],
      ['verify page (web)', `${webUrl}/verify/${encodeURIComponent(number)}`, undefined],
      ['verify query (gateway)', system.gatewayUrl, verifyQuery],
    ];
    const figures: Figure[] = [];
    for (const [name, url, body] of runs) {
      await measure(name, url, { durationSeconds: 2, connections, body });
      const figure = await measure(name, url, { durationSeconds, connections, body });
      figures.push(figure);
      log(
        `${name.padEnd(24)} ${figure.requestsPerSecond.toFixed(0).padStart(6)} req/s  p50 ${figure.latency.p50.toFixed(1)} ms  p95 ${figure.latency.p95.toFixed(1)} ms  p99 ${figure.latency.p99.toFixed(1)} ms  non-2xx ${figure.non2xx}  errors ${figure.errors}`,
      );
    }
    const dir = join(workspaceRoot, 'bench-results');
    mkdirSync(dir, { recursive: true });
    const file = join(dir, `web-${new Date().toISOString().replace(/[:.]/g, '-')}.json`);
    writeFileSync(
      file,
      `${JSON.stringify({ at: new Date().toISOString(), durationSeconds, connections, figures }, null, 2)}\n`,
    );
    log(`results written to ${file}`);
  } finally {
    web.kill('SIGTERM');
    await system.stop();
  }
}

main().then(
  () => process.exit(0),
  (error: unknown) => {
    process.stderr.write(
      `web bench failed: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`,
    );
    process.exit(1);
  },
);
