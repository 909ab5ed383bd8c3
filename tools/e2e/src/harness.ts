import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { testNamespace } from '@iso20000/testing';
import { composeSupergraph } from '@iso20000/tool-compose';
import { startSystem, type RunningSystem } from '@iso20000/tool-dev';

export type { RunningSystem };

/**
 * The whole system for one test file: four services and the gateway as processes, with databases
 * and an events namespace of their own. The gateway serves the schemas as they are in this checkout
 * (composed now), not whatever supergraph was last committed.
 */
export async function startE2eSystem(
  prefix = 'e2e',
  extraEnv: Record<string, string> = {},
): Promise<RunningSystem> {
  const composed = composeSupergraph();
  if (!composed.ok) throw new Error(`composition failed:\n${composed.errors.join('\n')}`);
  const supergraphPath = join(mkdtempSync(join(tmpdir(), `${prefix}-`)), 'supergraph.graphql');
  writeFileSync(supergraphPath, composed.supergraphSdl);
  return startSystem({
    namespace: testNamespace(prefix),
    extraEnv: { SUPERGRAPH_PATH: supergraphPath, ...extraEnv },
  });
}

/** The data of an operation through the gateway; any GraphQL error fails the test with its details. */
export async function ok<T>(
  system: RunningSystem,
  query: string,
  variables: Record<string, unknown> = {},
  token?: string,
): Promise<T> {
  const result = await system.query<T>(query, variables, token);
  if (result.errors?.length) throw new Error(`${result.status}: ${JSON.stringify(result.errors)}`);
  return result.data as T;
}

/** An instant `days` from now, ISO 8601. */
export const inDays = (days: number) => new Date(Date.now() + days * 86_400_000).toISOString();
