import { spawnSync } from 'node:child_process';
import { cpSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

// The manifests' check (CI runs it): what it accepts, and that it refuses what an operator must not ship.

const root = join(__dirname, '..', '..', '..');
const hasKubectl = spawnSync('kubectl', ['version', '--client'], { stdio: 'ignore' }).status === 0;

function check(edit?: (dir: string) => void) {
  const dir = mkdtempSync(join(tmpdir(), 'k8s-check-'));
  try {
    cpSync(join(root, 'deploy', 'k8s'), dir, { recursive: true });
    edit?.(dir);
    const result = spawnSync(process.execPath, [join(root, 'tools/build/bin/check-k8s.mjs')], {
      env: { ...process.env, K8S_DIR: dir },
      encoding: 'utf8',
    });
    return { status: result.status, output: `${result.stdout}${result.stderr}` };
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

const replaceIn = (file: string, from: string, to: string) => (dir: string) => {
  const path = join(dir, file);
  const text = readFileSync(path, 'utf8');
  if (!text.includes(from)) throw new Error(`${file} has no ${from}`);
  writeFileSync(path, text.replace(from, to));
};

(hasKubectl ? describe : describe.skip)('deploy/k8s check', () => {
  it('renders and validates every overlay', () => {
    const { status, output } = check();
    expect(output).toMatch(/single-node: \d+ objects valid/);
    expect(output).toMatch(/ha: \d+ objects valid/);
    expect(status).toBe(0);
  });

  it('refuses an object the Kubernetes schema rejects', () => {
    const { status, output } = check(
      replaceIn('base/exam.yaml', 'containerPort: 4001', "containerPort: 'http'"),
    );
    expect(status).toBe(1);
    expect(output).toContain('containerPort must be integer');
  });

  it('refuses a Deployment without a readiness probe', () => {
    const { status, output } = check(replaceIn('base/registry.yaml', 'readinessProbe:', 'x-removed-probe:'));
    expect(status).toBe(1);
    expect(output).toContain('Deployment/registry: registry has no readinessProbe');
  });

  it('refuses a subgraph reachable from more than the gateway', () => {
    const { status, output } = check(
      replaceIn(
        'base/network-policies.yaml',
        '              app.kubernetes.io/name: gateway\n',
        '              app.kubernetes.io/name: gateway\n        - podSelector:\n            matchLabels:\n              app.kubernetes.io/name: web\n',
      ),
    );
    expect(status).toBe(1);
    expect(output).toContain('Deployment/exam: http is reachable from more than the gateway');
  });

  it('refuses an ha overlay whose streams are not replicated', () => {
    const { status, output } = check(
      replaceIn('overlays/ha/event-bus-and-database.yaml', "STREAM_REPLICAS: '3'", "STREAM_REPLICAS: '1'"),
    );
    expect(status).toBe(1);
    expect(output).toContain('ha: STREAM_REPLICAS must be 3');
  });
});
