import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { SUBGRAPH_SERVICES } from '@iso20000/topology';
import { Events } from '../src';

// A stream nobody reads is a decision, not an accident: every catalogue event is read somewhere in the
// system (a service's events/ folder, the webhook events notifications delivers, or the credential
// copy in packages/auth), or it is listed here as
// published for integrations only, with docs/operations.md saying why its stream is kept.
const PUBLISHED_FOR_INTEGRATIONS = ['notifications.webhook-endpoint.disabled'];

const root = join(__dirname, '..', '..', '..');

function sources(dir: string): string[] {
  if (!statSync(dir).isDirectory()) return [readFileSync(dir, 'utf8')];
  return readdirSync(dir).flatMap((name) => {
    const path = join(dir, name);
    if (statSync(path).isDirectory()) return sources(path);
    return name.endsWith('.ts') ? [readFileSync(path, 'utf8')] : [];
  });
}

it('reads every event of the catalogue, or says that it is published for integrations only', () => {
  const readers = [
    ...SUBGRAPH_SERVICES.map((service) => join(root, 'services', service, 'src', 'events')),
    join(root, 'services', 'notifications', 'src', 'domain', 'webhook-events.ts'),
    join(root, 'packages', 'auth', 'src'),
  ].flatMap(sources);
  const read = new Set(
    readers.flatMap((text) => [...text.matchAll(/Events\.(\w+)/g)].map((match) => match[1])),
  );
  const unread = Object.entries(Events)
    .filter(([key]) => !read.has(key))
    .map(([, def]) => def.subject);
  expect(unread).toEqual(PUBLISHED_FOR_INTEGRATIONS);
  const operations = readFileSync(join(root, 'docs', 'operations.md'), 'utf8');
  for (const subject of PUBLISHED_FOR_INTEGRATIONS)
    expect(operations).toContain(`\`${subject}\`: **no consumer`);
});
