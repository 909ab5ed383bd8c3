#!/usr/bin/env node
// Copies what the runtime image holds into a folder: the root manifest and lock, every workspace's
// package.json (npm ci links the workspace packages, and the lock names every workspace), and the
// built projects' dist/ plus the files they read beside it (gateway/supergraph.graphql). No sources,
// no tests, no node_modules: `npm ci --omit=dev` in that folder completes it.
//   node tools/build/bin/runtime-layout.mjs <destination>     (after `npm run build`)
import { copyFileSync, cpSync, existsSync, mkdirSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { buildProjects, workspaceFolders, workspaceRoot } from '../src/projects.mjs';

export function copyRuntimeLayout(destination, root = workspaceRoot) {
  mkdirSync(destination, { recursive: true });
  for (const file of ['package.json', 'package-lock.json', '.npmrc']) {
    if (existsSync(join(root, file))) copyFileSync(join(root, file), join(destination, file));
  }
  for (const folder of workspaceFolders(root)) {
    mkdirSync(join(destination, folder), { recursive: true });
    copyFileSync(join(root, folder, 'package.json'), join(destination, folder, 'package.json'));
  }
  const missing = [];
  for (const project of buildProjects(root)) {
    const dist = join(root, project, 'dist');
    if (!existsSync(dist)) missing.push(project);
    else cpSync(dist, join(destination, project, 'dist'), { recursive: true });
    for (const entry of readdirSync(join(root, project))) {
      if (entry.endsWith('.graphql'))
        copyFileSync(join(root, project, entry), join(destination, project, entry));
    }
  }
  if (missing.length > 0) throw new Error(`not built (run npm run build first): ${missing.join(', ')}`);
}

if (process.argv[1] && import.meta.url.endsWith(process.argv[1].split('/').pop())) {
  const destination = process.argv[2];
  if (!destination) {
    console.error('usage: runtime-layout.mjs <destination>');
    process.exit(2);
  }
  copyRuntimeLayout(destination);
  console.log(`runtime layout in ${destination}`);
}
