import { spawn } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ensureInfrastructure, workspaceRoot } from './infrastructure';
import { SOURCE_CONDITION } from './source-node';

// `npm test`: the same infrastructure rules as `npm start` (env, local ports, else embedded), then
// one Jest run over every project. Extra arguments go to Jest (`npm test -- services/exam`).
async function main(): Promise<number> {
  const say = (message: string) => process.stdout.write(`[test] ${message}\n`);
  const infrastructure = await ensureInfrastructure(say);
  say(`PostgreSQL: ${infrastructure.postgresSource}; NATS: ${infrastructure.natsSource}`);
  const summaryDir = mkdtempSync(join(tmpdir(), 'jest-summary-'));
  const summaryFile = join(summaryDir, 'summary.txt');
  try {
    const jest = join(workspaceRoot, 'node_modules', 'jest', 'bin', 'jest.js');
    // Jest's own process loads the global setup, which imports workspace packages: resolve them to
    // their TypeScript sources like the test environments do, so a fresh clone needs no build.
    const args = [
      `--conditions=${SOURCE_CONDITION}`,
      jest,
      ...(process.env.CI ? ['--ci'] : []),
      ...process.argv.slice(2),
    ];
    const code = await new Promise<number>((resolve) => {
      const child = spawn(process.execPath, args, {
        cwd: workspaceRoot,
        stdio: 'inherit',
        env: {
          ...process.env,
          TEST_DATABASE_URL: infrastructure.databaseUrl,
          TEST_NATS_URL: infrastructure.natsUrl,
          JEST_SUMMARY_FILE: summaryFile,
        },
      });
      process.on('SIGINT', () => child.kill('SIGINT'));
      child.on('exit', (exitCode) => resolve(exitCode ?? 1));
    });
    await infrastructure.stop();
    // Last line of the run, after Jest's own summary: what CI reads.
    process.stdout.write(
      `\n${existsSync(summaryFile) ? readFileSync(summaryFile, 'utf8') : '0 passed, 1 failed (Jest did not finish)'}\n`,
    );
    return code;
  } finally {
    rmSync(summaryDir, { recursive: true, force: true });
    await infrastructure.stop();
  }
}

main().then(
  (code) => process.exit(code),
  (error: unknown) => {
    process.stderr.write(
      `npm test could not start: ${error instanceof Error ? error.message : String(error)}\n`,
    );
    process.exit(1);
  },
);
