import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { DEFAULT_PORTS, SUBGRAPH_SERVICES, urlVariableOf } from '@iso20000/topology';
import { workspaceRoot } from '../src/compose';

// docker-compose.yml spells the processes and ports out (compose has no way to import them): this
// keeps it in step with @iso20000/topology, the one list everything else reads.
const file = readFileSync(join(workspaceRoot, 'docker-compose.yml'), 'utf8');

/** The lines of one top-level service block (two-space indented key) of docker-compose.yml. */
function block(name: string): string {
  const start = file.search(new RegExp(`^  ${name}:\\s*$`, 'm'));
  if (start < 0) throw new Error(`docker-compose.yml has no service ${name}`);
  const rest = file.slice(start + 1);
  const end = rest.search(/^ {2}\S[^\n]*:\s*$|^\S/m);
  return end < 0 ? rest : rest.slice(0, end);
}

describe('docker-compose.yml', () => {
  it.each([...SUBGRAPH_SERVICES, 'gateway' as const])('runs %s on its port', (name) => {
    expect(block(name)).toContain(`PORT: '${DEFAULT_PORTS[name]}'`);
  });

  it('points the gateway at every subgraph', () => {
    for (const service of SUBGRAPH_SERVICES)
      expect(block('gateway')).toContain(
        `${urlVariableOf(service)}: http://${service}:${DEFAULT_PORTS[service]}/graphql`,
      );
  });

  it('gives every subgraph its own database', () => {
    for (const service of SUBGRAPH_SERVICES)
      expect(block(service)).toMatch(new RegExp(`DATABASE_URL: \\S+/iso20000_${service}\\b`));
  });
});
