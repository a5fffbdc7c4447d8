// Per-step scaling, in process: the CPU time of each step of a compile (load the config,
// validate, each target's emit, plan and write the files) at doubling job counts,
// each size in 5 fresh processes (no JIT or compile cache carried over), best of 5: one
// step can take twice its time in a process where a JIT tier-up or a GC lands in it. The
// first 2 processes write the output files; the other 3 find them unchanged and only
// compare (two lines: writing and comparing are different work).
// A step whose time more than doubles when the jobs double is (super)quadratic somewhere.
//
//   node bench/lib/steps.mjs --work DIR --sizes 2500,5000,10000,20000     (prints JSON)
//   node bench/lib/steps.mjs --one DIR                                    (internal)
//   node bench/lib/steps.mjs --profile DIR                                (writes a .cpuprofile of a compile)
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync, rmSync } from 'node:fs';
import { createRequire } from 'node:module';
import { join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { writeSynth } from './synth.mjs';

const ROOT = fileURLToPath(new URL('../..', import.meta.url));
const { values: opt } = parseArgs({ strict: false, options: { work: { type: 'string' }, sizes: { type: 'string' }, one: { type: 'string' }, lib: { type: 'string' } } });

/** Bundle core, the five targets and the CLI's config loader and writer, as the CLI bundles them. */
export async function buildLib(outfile) {
  const { build } = await import(createRequire(join(ROOT, 'package.json')).resolve('esbuild'));
  const packages = ['core', 'gitlab', 'github', 'buildkite', 'jenkins', 'compose'];
  await build({
    stdin: {
      contents: [
        "export * as core from '@polyci/core';",
        "export { loadConfig } from './packages/cli/src/load-config.ts';",
        "export { fastTranspile } from './packages/cli/src/fast-transpile.ts';",
        "export { allTargets } from './packages/cli/src/targets.ts';",
        "export { planWrites, writeAtomic } from './packages/cli/src/output.ts';",
      ].join('\n'),
      resolveDir: ROOT,
      loader: 'ts',
    },
    outfile,
    bundle: true,
    platform: 'node',
    target: 'node20',
    format: 'cjs',
    external: ['sucrase', 'ts-morph'],
    alias: Object.fromEntries(packages.map((p) => [`@polyci/${p}`, join(ROOT, 'packages', p, 'src/index.ts')])),
    logLevel: 'error',
  });
}

// CPU time of this process (user+sys, ms): steady under a loaded machine, unlike the wall clock.
// Before each timed step the child collects the garbage of the steps before it (it runs with
// --expose-gc), so that a step is charged for the collections of its own allocations only.
const settle = () => globalThis.gc?.();
const now = () => {
  const u = process.cpuUsage();
  return (u.user + u.system) / 1000;
};

function one(dir, lib) {
  const req = createRequire(join(ROOT, 'package.json'));
  const t0 = now();
  const { core, loadConfig, fastTranspile, allTargets, planWrites, writeAtomic } = req(lib);
  const times = { 'load polyci': now() - t0 };
  const file = join(dir, 'ci.config.ts');
  settle();
  let t = now();
  const src = readFileSync(file, 'utf8');
  // What the loader does on a cache miss: the fast scanner, or sucrase when it is unsure.
  if (fastTranspile(src) === undefined) req('sucrase').transform(src, { transforms: ['typescript', 'imports'], filePath: file, production: true });
  times['transpile (cache miss only: scanner, else sucrase)'] = now() - t;
  settle();
  t = now();
  const loaded = loadConfig(file);
  times['load ci.config.ts (cache hit)'] = now() - t;
  if (!loaded.config) throw new Error(JSON.stringify(loaded.diagnostics));
  settle();
  t = now();
  const parsed = core.parsePipeline(loaded.config);
  times['validate: schema (zod)'] = now() - t;
  if (!parsed.pipeline) throw new Error(JSON.stringify(parsed.diagnostics.slice(0, 3)));
  settle();
  t = now();
  const checked = core.checkPipeline(parsed.pipeline);
  times['validate: graph, strategies, policy'] = now() - t;
  const files = [];
  // as core's compile does: one cache of what the targets derive alike from the IR
  core.withEmitCache(() => {
    for (const target of allTargets) {
      settle();
      t = now();
      let r;
      try {
        r = target.emit(checked.pipeline, { source: 'ci.config.ts' });
      } catch (e) {
        r = { files: [], diagnostics: [{ severity: 'error', message: String(e) }] };
      }
      const ms = now() - t;
      if (r.diagnostics.some((d) => d.severity === 'error')) times[`emit ${target.id}`] = null;
      else times[`emit ${target.id}`] = ms;
      for (const f of r.files) files.push({ path: join(dir, 'out-steps', target.id, f.path), contents: core.filePieces(f) }); // as the CLI does
    }
  });
  // Two different operations, timed apart: the first run of a size writes every file; the
  // later runs find them unchanged, as a pre-commit hook does, and only compare.
  const existed = existsSync(join(dir, 'out-steps'));
  settle();
  t = now();
  const plan = planWrites(files, true);
  for (const f of plan.changed) writeAtomic(f.path, f.contents);
  times[existed ? 'plan: outputs exist, unchanged' : 'plan + write: no outputs yet'] = now() - t;
  return times;
}

if (opt.one) {
  process.stdout.write(JSON.stringify(one(opt.one, opt.lib)));
} else if (opt.work) {
  const work = resolve(opt.work);
  rmSync(work, { recursive: true, force: true });
  mkdirSync(work, { recursive: true });
  const lib = join(work, 'polyci-lib.cjs');
  await buildLib(lib);
  const sizes = (opt.sizes ?? '2500,5000,10000').split(',').map(Number);
  const results = {};
  for (const n of sizes) {
    const dir = join(work, `jobs-${n}`);
    writeSynth(dir, n);
    // warm the config cache with the CLI's own loader
    spawnSync(process.execPath, ['-e', `require(${JSON.stringify(lib)}).loadConfig(${JSON.stringify(join(dir, 'ci.config.ts'))})`]);
    // 5 runs: the first 2 write the files (no outputs yet), the other 3 find them unchanged.
    // Writing is timed twice: its kernel time varies several-fold from run to run here.
    const best = {};
    for (let rep = 0; rep < 5; rep++) {
      if (rep === 1) rmSync(join(dir, 'out-steps'), { recursive: true, force: true });
      const r = spawnSync(process.execPath, ['--expose-gc', fileURLToPath(import.meta.url), '--one', dir, '--lib', lib], { encoding: 'utf8', maxBuffer: 1 << 26 });
      if (r.status !== 0) throw new Error(r.stderr);
      const times = JSON.parse(r.stdout);
      for (const [k, v] of Object.entries(times)) best[k] = v === null || best[k] === null ? null : Math.min(v, best[k] ?? v);
    }
    results[n] = best;
    rmSync(join(dir, 'out-steps'), { recursive: true, force: true });
    rmSync(join(dir, 'node_modules'), { recursive: true, force: true });
  }
  const steps = Object.keys(results[sizes[0]]);
  const lines = [`per-step CPU time in process (ms, best of 5 fresh processes; writing new files: best of the first 2) at ${sizes.map((n) => n.toLocaleString('en')).join(' / ')} jobs, and growth per doubling:`];
  let worstDoubling = 0;
  let worstStep = '';
  for (const s of steps) {
    const v = sizes.map((n) => results[n][s]);
    if (v.some((x) => x === null || x === undefined)) {
      lines.push(`  ${s}: (target errors; not measured)`);
      continue;
    }
    const growth = [];
    for (let i = 1; i < sizes.length; i++) growth.push(v[i] / v[i - 1] / (sizes[i] / sizes[i - 1] / 2));
    // Per doubling over the whole range (geometric mean): one noisy pair does not decide.
    const overall = (v.at(-1) / v[0]) ** (1 / Math.log2(sizes.at(-1) / sizes[0]));
    // Ignore steps too small to time reliably.
    if (v.at(-1) >= 30 && overall > worstDoubling && s !== 'load polyci') {
      worstDoubling = overall;
      worstStep = s;
    }
    lines.push(`  ${s}: ${v.map((x) => Math.round(x)).join(' / ')}  (x${growth.map((g) => g.toFixed(2)).join(', x')}; overall x${overall.toFixed(2)} per doubling)`);
  }
  process.stdout.write(JSON.stringify({ results, lines, worstDoubling, worstStep }));
}
