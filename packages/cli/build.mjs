// Bundle the CLI into one file: one module to load makes the cold start cheap.
// ts-morph (only for migrate --ts) stays external; sucrase (only on a config-cache miss) is a lazy chunk.
//
// Cold-start measures (bench/README.md has the figures):
// - minified: less source for V8 to scan on every start.
// - `yaml` (230 kB) is only needed to read vendor files (migrate, lint, explain on a
//   vendor file), chevrotain (160 kB with lodash-es) only to import Jenkinsfiles, sucrase only
//   on a config-cache miss; a cache-hit `compile` needs none of them. Each goes to its own
//   chunk (dist/yaml.js, dist/chevrotain.js, dist/sucrase.js), loaded on first use through a
//   shim of lazy getters.
import { build } from 'esbuild';
import { createHash } from 'node:crypto';
import { chmodSync, readFileSync, writeFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

const here = (p) => fileURLToPath(new URL(p, import.meta.url));
const pkg = JSON.parse(readFileSync(here('./package.json'), 'utf8'));
const packages = ['core', 'gitlab', 'github', 'buildkite', 'jenkins', 'compose'];

const common = {
  bundle: true,
  platform: 'node',
  target: 'node20',
  format: 'cjs',
  minify: true,
  // Function and class names stay as written in the side chunks (third-party code may read
  // `.name` at run time); main.js below turns this off.
  keepNames: true,
  legalComments: 'none',
  logLevel: 'warning',
};

/**
 * Packages only some commands need, each in its own chunk dist/<name>.js, reached through a
 * shim whose exports are getters that require the chunk on first use (static imports too).
 */
const sideChunks = {
  // reading vendor YAML (migrate, lint, explain on a vendor file); `compile` never parses YAML
  yaml: 'yaml.js',
  // the Jenkinsfile parser of the jenkins importer
  chevrotain: 'chevrotain.js',
  // the config transpiler, on a config-cache miss: one file loads ~20 ms faster than its 67 modules
  sucrase: 'sucrase.js',
};

async function lazyChunks() {
  const shims = {};
  for (const [name, file] of Object.entries(sideChunks)) {
    const names = Object.keys(await import(name)).filter((n) => n !== 'module.exports');
    shims[name] = [
      "'use strict';",
      'let real;',
      `const load = () => real || (real = require(${JSON.stringify(`./${file}`)}));`,
      ...names.map((n) => `Object.defineProperty(exports, ${JSON.stringify(n)}, { enumerable: true, get: () => load()[${JSON.stringify(n)}] });`),
    ].join('\n');
  }
  const filter = new RegExp(`^(${Object.keys(sideChunks).join('|')})$`);
  return {
    name: 'lazy-chunks',
    setup(b) {
      b.onResolve({ filter }, (args) => ({ path: args.path, namespace: 'lazy-chunk' }));
      b.onResolve({ filter: /^\.\/[\w-]+\.js$/, namespace: 'lazy-chunk' }, (args) => ({ path: args.path, external: true }));
      b.onLoad({ filter: /.*/, namespace: 'lazy-chunk' }, (args) => ({ contents: shims[args.path], loader: 'js' }));
    },
  };
}

const main = await build({
  ...common,
  // No `__name(fn, "f")` wrappers: they define a property on every closure as it is made,
  // which costs ~2-4% of a 10,000-job compile, and polyci reads no function's `.name`
  // (errors are told apart with instanceof). `polyci migrate` of every fixture gives the
  // same files and report either way.
  keepNames: false,
  metafile: Boolean(process.env.POLYCI_BUILD_META),
  entryPoints: [here('./src/bin.ts')],
  outfile: here('./dist/main.js'),
  external: ['ts-morph'],
  alias: Object.fromEntries(packages.map((p) => [`@polyci/${p}`, here(`../${p}/src/index.ts`)])),
  define: { POLYCI_VERSION: JSON.stringify(pkg.version) },
  plugins: [await lazyChunks()],
});
// The `polyci` bin: a launcher that runs main.js with V8's code cache (see src/launcher.cjs),
// keyed by the bundle's content so that a rebuilt bundle never meets an old cache.
const buildId = createHash('sha256').update(readFileSync(here('./dist/main.js'))).digest('hex').slice(0, 16);
writeFileSync(here('./dist/polyci.js'), readFileSync(here('./src/launcher.cjs'), 'utf8').replace('__POLYCI_BUILD_ID__', buildId));
chmodSync(here('./dist/polyci.js'), 0o755);
// POLYCI_BUILD_META=FILE: write esbuild's metafile, to see what the bundle is made of.
if (process.env.POLYCI_BUILD_META) writeFileSync(process.env.POLYCI_BUILD_META, JSON.stringify(main.metafile));
for (const [name, file] of Object.entries(sideChunks)) {
  await build({
    ...common,
    stdin: { contents: `module.exports = require(${JSON.stringify(name)});`, resolveDir: here('.') },
    outfile: here(`./dist/${file}`),
  });
}
