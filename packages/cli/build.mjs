// Bundle the CLI into one file: one module to load makes the cold start cheap.
// sucrase (loaded only on a config-cache miss) and ts-morph (only for migrate --ts) stay external.
import { build } from 'esbuild';
import { readFileSync } from 'node:fs';

const pkg = JSON.parse(readFileSync(new URL('./package.json', import.meta.url), 'utf8'));
const packages = ['core', 'gitlab', 'github', 'buildkite', 'jenkins', 'compose'];
await build({
  entryPoints: [new URL('./src/bin.ts', import.meta.url).pathname],
  outfile: new URL('./dist/polyci.js', import.meta.url).pathname,
  bundle: true,
  platform: 'node',
  target: 'node20',
  format: 'cjs',
  minifySyntax: true,
  banner: { js: '#!/usr/bin/env node' },
  external: ['sucrase', 'ts-morph'],
  alias: Object.fromEntries(packages.map((p) => [`@polyci/${p}`, new URL(`../${p}/src/index.ts`, import.meta.url).pathname])),
  define: { POLYCI_VERSION: JSON.stringify(pkg.version) },
  logLevel: 'warning',
});
