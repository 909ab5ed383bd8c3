#!/usr/bin/env node
// `npm run build`: every package, service and the gateway from src/ to dist/ (CommonJS + source maps).
// swc, the transform Jest and @swc-node/register already use, so decorator metadata for TypeORM is
// emitted the same way in tests, development and production. Types are checked by `npm run typecheck`.
import { transformFile } from '@swc/core';
import { copyFileSync, mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { basename, dirname, join } from 'node:path';
import { buildProjects, sourceFiles, workspaceRoot } from '../src/projects.mjs';

const swcOptions = (filename) => ({
  filename,
  swcrc: false,
  configFile: false,
  sourceMaps: true,
  jsc: {
    parser: { syntax: 'typescript', decorators: true },
    transform: { legacyDecorator: true, decoratorMetadata: true, useDefineForClassFields: false },
    target: 'es2022',
    // TypeORM names migrations and entities after their classes.
    keepClassNames: true,
  },
  module: { type: 'commonjs' },
});

/** A workspace package whose `require` still resolves to TypeScript would crash under plain node. */
function checkPackageEntry(project) {
  const manifest = JSON.parse(readFileSync(join(workspaceRoot, project, 'package.json'), 'utf8'));
  const entry = manifest.exports?.['.']?.default ?? manifest.main;
  if (!project.startsWith('packages/')) return;
  if (!entry || !entry.replace(/^\.\//, '').startsWith('dist/')) {
    throw new Error(
      `${project}/package.json: "exports"["."].default must point into dist/ (e.g. "./dist/index.js"), ` +
        `with "@iso20000/source": "./src/index.ts" for Jest; found ${JSON.stringify(entry)}`,
    );
  }
}

const started = performance.now();
const projects = buildProjects();
let compiled = 0;
let copied = 0;
for (const project of projects) {
  checkPackageEntry(project);
  const src = join(workspaceRoot, project, 'src');
  const dist = join(workspaceRoot, project, 'dist');
  rmSync(dist, { recursive: true, force: true });
  const files = sourceFiles(src);
  await Promise.all(
    files.map(async (file) => {
      const from = join(src, file);
      if (file.endsWith('.d.ts')) return;
      if (file.endsWith('.ts')) {
        const to = join(dist, file.replace(/\.ts$/, '.js'));
        const { code, map } = await transformFile(from, swcOptions(from));
        mkdirSync(dirname(to), { recursive: true });
        const mapName = `${basename(to)}.map`;
        writeFileSync(to, `${code}\n//# sourceMappingURL=${mapName}\n`);
        const sourceMap = JSON.parse(map);
        // Paths in the map are relative to the .js file, so stack traces point at src/.
        sourceMap.sources = [join(...Array(file.split('/').length).fill('..'), 'src', file)];
        sourceMap.file = basename(to);
        writeFileSync(join(dirname(to), mapName), JSON.stringify(sourceMap));
        compiled += 1;
      } else {
        mkdirSync(dirname(join(dist, file)), { recursive: true });
        copyFileSync(from, join(dist, file));
        copied += 1;
      }
    }),
  );
}
console.log(
  `built ${projects.length} projects (${projects.join(', ')}): ${compiled} files compiled, ${copied} copied, ` +
    `${Math.round(performance.now() - started)} ms`,
);
