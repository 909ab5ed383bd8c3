import { cpSync, mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { SUBGRAPH_SERVICES } from '@iso20000/topology';
import { checkSupergraph, committedSupergraphPath, composeSupergraph, workspaceRoot } from '../src/compose';

// Works on a copy of the four schemas and the committed supergraph, so the real files are never touched.
describe('supergraph composition check', () => {
  let root: string;

  beforeEach(() => {
    root = mkdtempSync(join(tmpdir(), 'compose-'));
    for (const service of SUBGRAPH_SERVICES) {
      cpSync(join(workspaceRoot, 'services', service, 'src'), join(root, 'services', service, 'src'), {
        recursive: true,
        // Folders and schemas only, judged by the entry itself: the checkout's own path may hold dots.
        filter: (source) => source.endsWith('.graphql') || statSync(source).isDirectory(),
      });
    }
    cpSync(committedSupergraphPath, join(root, 'gateway', 'supergraph.graphql'));
  });

  afterEach(() => rmSync(root, { recursive: true, force: true }));

  it('passes for the committed supergraph', () => {
    expect(checkSupergraph(root, join(root, 'gateway', 'supergraph.graphql'))).toEqual({ ok: true });
  });

  it('fails when a subgraph schema changed and the supergraph was not recomposed', () => {
    const schema = join(root, 'services', 'registry', 'src', 'schema.graphql');
    writeFileSync(schema, `${readFileSync(schema, 'utf8')}\nextend type Query { composeCheckProbe: Int }\n`);
    const check = checkSupergraph(root, join(root, 'gateway', 'supergraph.graphql'));
    expect(check.ok).toBe(false);
    expect(!check.ok && check.reason).toMatch(/stale/);
  });

  it('fails with the composition errors when subgraphs disagree', () => {
    const schema = join(root, 'services', 'registry', 'src', 'schema.graphql');
    // Two subgraphs defining the same non-shareable field cannot compose.
    writeFileSync(schema, `${readFileSync(schema, 'utf8')}\nextend type Query { exams: [Int] }\n`);
    const composed = composeSupergraph(root);
    expect(composed.ok).toBe(false);
    const check = checkSupergraph(root, join(root, 'gateway', 'supergraph.graphql'));
    expect(!check.ok && check.reason).toMatch(/composition failed/);
  });
});
