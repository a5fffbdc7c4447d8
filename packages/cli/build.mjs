// Bundle the CLI into one file: one module to load makes the cold start cheap.
// sucrase (loaded only on a config-cache miss) and ts-morph (only for migrate --ts) stay external.
//
// Cold-start measures (bench/README.md has the figures):
// - minified: less source for V8 to scan on every start.
// - `yaml` (230 kB) is only needed to read vendor files (migrate, lint, explain on a
//   vendor file), chevrotain (160 kB with lodash-es) only to import Jenkinsfiles; `compile`
//   needs neither. Each goes to its own chunk (dist/yaml.js, dist/chevrotain.js), loaded
//   on first use through a shim of lazy getters.
// - Handlebars templates (packages/*/templates/*.hbs) are precompiled here, at build time,
//   for the option sets the sources pass to `compile`: at run time `env.compile(source,
//   options)` with a known (source, options) pair returns `env.template(spec)` of the same
//   spec Handlebars would have generated, so nothing is parsed or code-generated per run.
//   The specs live in dist/handlebars-specs.json, read on the first compile. Any other call
//   falls through to Handlebars' own compile, unchanged.
import { build } from 'esbuild';
import { existsSync, mkdirSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { fileURLToPath } from 'node:url';

const here = (p) => fileURLToPath(new URL(p, import.meta.url));
const require = createRequire(import.meta.url);
const pkg = JSON.parse(readFileSync(here('./package.json'), 'utf8'));
const packages = ['core', 'gitlab', 'github', 'buildkite', 'jenkins', 'compose'];

const common = {
  bundle: true,
  platform: 'node',
  target: 'node20',
  format: 'cjs',
  minify: true,
  // Function and class names stay as written: stack traces and any `.name` read at run time.
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

/** Option objects passed to Handlebars' compile in the sources: `.compile(x, { noEscape: true, ... })`. */
function handlebarsOptionSets() {
  const sets = new Map();
  const walk = (dir) => {
    for (const e of readdirSync(dir, { withFileTypes: true })) {
      const p = `${dir}/${e.name}`;
      if (e.isDirectory()) walk(p);
      else if (p.endsWith('.ts') && !p.endsWith('.test.ts')) {
        for (const m of readFileSync(p, 'utf8').matchAll(/\.compile\([^,()]+,\s*(\{[^{}]*\})\s*\)/g)) {
          const json = m[1].replace(/([A-Za-z_$][\w$]*)\s*:/g, '"$1":').replace(/'([^'\\]*)'/g, '"$1"').replace(/,\s*\}/, '}');
          try {
            const o = JSON.parse(json);
            sets.set(JSON.stringify(o), o);
          } catch {
            // not a literal we can read: that call keeps compiling at run time
          }
        }
      }
    }
  };
  for (const p of packages) if (existsSync(here(`../${p}/src`))) walk(here(`../${p}/src`));
  return [...sets.values()];
}

/** Handlebars with its templates precompiled; the specs go to dist/handlebars-specs.json, read on first compile. */
function precompiledHandlebars() {
  const Handlebars = require('handlebars');
  const real = require.resolve('handlebars');
  const specs = {};
  const options = handlebarsOptionSets();
  for (const p of packages) {
    const dir = here(`../${p}/templates`);
    if (!existsSync(dir)) continue;
    for (const f of readdirSync(dir).filter((x) => x.endsWith('.hbs')).sort()) {
      const source = readFileSync(`${dir}/${f}`, 'utf8');
      for (const o of options) specs[JSON.stringify([source, o])] = Handlebars.precompile(source, o);
    }
  }
  mkdirSync(here('./dist'), { recursive: true });
  writeFileSync(here('./dist/handlebars-specs.json'), JSON.stringify(specs));
  const shim = [
    `const Handlebars = require(${JSON.stringify(real)});`,
    'let specs;',
    'function withSpecs(env) {',
    '  const compile = env.compile;',
    '  env.compile = function (input, options) {',
    "    if (typeof input === 'string') {",
    "      specs = specs || JSON.parse(require('node:fs').readFileSync(require('node:path').join(__dirname, 'handlebars-specs.json'), 'utf8'));",
    '      const spec = specs[JSON.stringify([input, options === undefined ? {} : options])];',
    '      if (spec) return env.template(new Function(`return ${spec}`)());',
    '    }',
    '    return compile.call(this, input, options);',
    '  };',
    '  const create = env.create;',
    '  env.create = function () { return withSpecs(create.call(this)); };',
    '  return env;',
    '}',
    'module.exports = withSpecs(Handlebars.default || Handlebars);',
    'module.exports.default = module.exports;',
  ].join('\n');
  return {
    name: 'precompiled-handlebars',
    setup(b) {
      b.onResolve({ filter: /^handlebars$/ }, () => ({ path: 'handlebars', namespace: 'precompiled-handlebars' }));
      b.onLoad({ filter: /.*/, namespace: 'precompiled-handlebars' }, () => ({ contents: shim, loader: 'js', resolveDir: here('.') }));
    },
  };
}

const main = await build({
  ...common,
  metafile: Boolean(process.env.POLYCI_BUILD_META),
  entryPoints: [here('./src/bin.ts')],
  outfile: here('./dist/polyci.js'),
  banner: { js: '#!/usr/bin/env node' },
  external: ['sucrase', 'ts-morph'],
  alias: Object.fromEntries(packages.map((p) => [`@polyci/${p}`, here(`../${p}/src/index.ts`)])),
  define: { POLYCI_VERSION: JSON.stringify(pkg.version) },
  plugins: [await lazyChunks(), precompiledHandlebars()],
});
// POLYCI_BUILD_META=FILE: write esbuild's metafile, to see what the bundle is made of.
if (process.env.POLYCI_BUILD_META) writeFileSync(process.env.POLYCI_BUILD_META, JSON.stringify(main.metafile));
for (const [name, file] of Object.entries(sideChunks)) {
  await build({
    ...common,
    stdin: { contents: `module.exports = require(${JSON.stringify(name)});`, resolveDir: here('.') },
    outfile: here(`./dist/${file}`),
  });
}
