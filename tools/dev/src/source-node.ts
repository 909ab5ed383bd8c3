/** The export condition under which workspace packages resolve to their TypeScript sources (see each package.json). */
export const SOURCE_CONDITION = '@iso20000/source';

/**
 * Node options that run TypeScript from sources: @swc-node/register compiles (decorators and metadata for
 * TypeORM), and workspace packages resolve to src/ so a stale dist/ is never read.
 */
export function sourceNodeOptions(): string[] {
  return [`--conditions=${SOURCE_CONDITION}`, '-r', require.resolve('@swc-node/register')];
}

/** `node` arguments that run a TypeScript entry point from sources, followed by its own arguments. */
export function nodeArgsForSource(entry: string, args: readonly string[] = []): string[] {
  return [...sourceNodeOptions(), entry, ...args];
}
