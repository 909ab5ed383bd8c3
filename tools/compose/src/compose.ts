import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { join, relative } from 'node:path';
import { composeServices } from '@apollo/composition';
import { DEFAULT_PORTS, SUBGRAPH_SERVICES } from '@iso20000/topology';
import { parse } from 'graphql';

export const workspaceRoot = join(__dirname, '..', '..', '..');
export const committedSupergraphPath = join(workspaceRoot, 'gateway', 'supergraph.graphql');

/** A subgraph's SDL is every .graphql file under its src/, in path order (schema.graphql plus modules). */
export function subgraphSdl(root: string, service: string): string {
  const src = join(root, 'services', service, 'src');
  const files: string[] = [];
  const walk = (dir: string) => {
    for (const entry of readdirSync(dir).sort()) {
      const path = join(dir, entry);
      if (entry === 'generated' || entry === 'node_modules') continue;
      if (statSync(path).isDirectory()) walk(path);
      else if (entry.endsWith('.graphql')) files.push(path);
    }
  };
  if (existsSync(src)) walk(src);
  if (files.length === 0) throw new Error(`services/${service} has no .graphql schema under src/`);
  return files.map((file) => `# ${relative(root, file)}\n${readFileSync(file, 'utf8')}`).join('\n');
}

export type CompositionResult = { ok: true; supergraphSdl: string } | { ok: false; errors: string[] };

export function composeSupergraph(root = workspaceRoot): CompositionResult {
  // The URLs recorded are the development defaults; the gateway takes the real ones from its config.
  const services = SUBGRAPH_SERVICES.map((name) => ({
    name,
    url: `http://127.0.0.1:${DEFAULT_PORTS[name]}/graphql`,
    typeDefs: parse(subgraphSdl(root, name)),
  }));
  const result = composeServices(services);
  if (result.errors) return { ok: false, errors: result.errors.map((error) => error.message) };
  return { ok: true, supergraphSdl: result.supergraphSdl };
}

export type SupergraphCheck = { ok: true } | { ok: false; reason: string };

/** Fails when composition breaks or the committed supergraph differs from what the schemas compose to. */
export function checkSupergraph(
  root = workspaceRoot,
  supergraphPath = committedSupergraphPath,
): SupergraphCheck {
  const composed = composeSupergraph(root);
  if (!composed.ok) return { ok: false, reason: `composition failed:\n  ${composed.errors.join('\n  ')}` };
  if (!existsSync(supergraphPath))
    return { ok: false, reason: `${relative(root, supergraphPath)} is missing: run npm run compose` };
  if (readFileSync(supergraphPath, 'utf8') !== composed.supergraphSdl) {
    return {
      ok: false,
      reason: `${relative(root, supergraphPath)} is stale: run npm run compose and commit it`,
    };
  }
  return { ok: true };
}
