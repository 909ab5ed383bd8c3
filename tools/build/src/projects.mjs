// What `npm run build` compiles and what the runtime image carries: found from the folders, so a new
// service or package is picked up without editing a list.
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { dirname, join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';

export const workspaceRoot = join(dirname(fileURLToPath(import.meta.url)), '..', '..', '..');

/** Workspace folders (relative to the root) with a package.json, from the root's `workspaces` globs. */
export function workspaceFolders(root = workspaceRoot) {
  const { workspaces } = JSON.parse(readFileSync(join(root, 'package.json'), 'utf8'));
  const folders = [];
  for (const pattern of workspaces) {
    if (pattern.endsWith('/*')) {
      const parent = pattern.slice(0, -2);
      if (!existsSync(join(root, parent))) continue;
      for (const entry of readdirSync(join(root, parent), { withFileTypes: true })) {
        const folder = join(parent, entry.name);
        if (entry.isDirectory() && existsSync(join(root, folder, 'package.json'))) folders.push(folder);
      }
    } else if (existsSync(join(root, pattern, 'package.json'))) {
      folders.push(pattern);
    }
  }
  return folders.sort();
}

/** Projects that run in production: every package, every service and the gateway (tools do not). */
export function buildProjects(root = workspaceRoot) {
  return workspaceFolders(root).filter(
    (folder) => !folder.startsWith('tools/') && existsSync(join(root, folder, 'src')),
  );
}

/** Source files to compile: TypeScript outside tests; everything else (schemas, templates) is copied. */
export function sourceFiles(dir) {
  const files = [];
  const walk = (current) => {
    for (const entry of readdirSync(current, { withFileTypes: true })) {
      const path = join(current, entry.name);
      if (entry.isDirectory()) {
        if (entry.name !== 'test' && entry.name !== '__tests__') walk(path);
      } else if (!/\.(spec|integration-spec|e2e-spec)\.ts$/.test(entry.name) && !entry.name.endsWith('.md')) {
        files.push(relative(dir, path));
      }
    }
  };
  walk(dir);
  return files.sort();
}
