// The plain-JavaScript twin of src/source-node.ts for the bootstrap scripts, which run before
// anything can compile TypeScript: node arguments that run a TypeScript entry from sources.
import { createRequire } from 'node:module';

const require = createRequire(import.meta.url);

export function nodeArgsForSource(entry, args = []) {
  return ['--conditions=@iso20000/source', '-r', require.resolve('@swc-node/register'), entry, ...args];
}
