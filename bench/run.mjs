#!/usr/bin/env node
// polyci benchmark (issue 6). `npm run bench` builds, then runs this file.
// Every figure is the median of several whole-process runs, measured side by side
// (interleaved) with its reference in the same run. See bench/README.md.
//
//   node bench/run.mjs [--quick] [--only 1,2,3,5,s] [--sizes 100,1000,10000] [--json FILE]
import { spawnSync } from 'node:child_process';
import { cpSync, existsSync, mkdirSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { cpus, loadavg, totalmem } from 'node:os';
import { dirname, join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { serialize } from 'node:v8';
import { compare, hasGnuTime, method, runOnce, summarize } from './lib/harness.mjs';
import { fallbackBuildkite, fallbackWorkflow, writeBuildkiteProgram, writeGwfProject } from './lib/peers.mjs';
import { writeShape, writeSynth } from './lib/synth.mjs';
import { buildCorpus } from './lib/corpus.mjs';

const ROOT = fileURLToPath(new URL('..', import.meta.url));
const CLI = join(ROOT, 'packages/cli/dist/polyci.js');
const WORK = join(ROOT, 'bench/.work/run');
const NODE = process.execPath;
const require = createRequire(join(ROOT, 'package.json'));
const TARGETS = ['gitlab', 'github', 'buildkite', 'jenkins', 'compose'];

const { values: opt } = parseArgs({
  options: {
    quick: { type: 'boolean' },
    only: { type: 'string' },
    sizes: { type: 'string' },
    json: { type: 'string' },
  },
});
const only = new Set((opt.only ?? '1,2,d,3,5,s').split(','));
const sizes = (opt.sizes ?? '100,1000,10000').split(',').map(Number);
const q = opt.quick ? 0.5 : 1;
const runsFor = (n) => Math.max(opt.quick ? 2 : 3, Math.round(n * q));
const started = Date.now();
const loadStart = loadavg().map((x) => x.toFixed(1)).join(' ');
const log = (s) => process.stderr.write(`[bench +${((Date.now() - started) / 1000).toFixed(0)}s] ${s}\n`);

if (!existsSync(CLI)) {
  console.error(`bench: ${relative(process.cwd(), CLI)} is missing; run \`npm run build\` first (npm run bench does).`);
  process.exit(2);
}
rmSync(WORK, { recursive: true, force: true });
mkdirSync(WORK, { recursive: true });

// ---------------------------------------------------------------- helpers

const rows = [];
const checks = [];
const extra = [];
const fmtMs = (ms) => (ms === undefined ? '-' : ms >= 10_000 ? `${(ms / 1000).toFixed(1)} s` : `${Math.round(ms)}`);
const fmtMb = (kb) => (kb === undefined ? '-' : `${Math.round(kb / 1024)}`);
const fmtX = (x) => (x === undefined || !Number.isFinite(x) ? '-' : `${x.toFixed(2)}x`);
const firstError = (stderr) =>
  (stderr.split('\n').find((l) => /error|Error/.test(l)) ?? stderr.split('\n').find(Boolean) ?? '').trim().slice(0, 160);

function row(item, label, a, refLabel, b, ratio, notes = '') {
  rows.push({ item, label, a, refLabel, b, ratio, notes });
}
function errorRow(item, label, result, notes = '') {
  rows.push({ item, label, error: `exit ${result.status}: ${firstError(result.stderr)}`, notes });
}
function check(ok, text) {
  checks.push(`${ok === undefined ? '[n/a ]' : ok ? '[pass]' : '[FAIL]'} ${text}`);
}

// polyci keeps V8's code cache of its bundle under $XDG_CACHE_HOME/polyci/v8: the bench
// gives it its own, so that "first run" rows can clear it without touching the user's.
const CODE_CACHE_HOME = join(WORK, 'xdg-cache');
const polyci = (args, cwd, extraOpts = {}) => ({ argv: [NODE, CLI, ...args], cwd, ...extraOpts, env: { XDG_CACHE_HOME: CODE_CACHE_HOME, ...(extraOpts.env ?? {}) } });
const nodeEval = (code, cwd = ROOT) => ({ argv: [NODE, '-e', code], cwd });

function filesUnder(dir) {
  if (!existsSync(dir)) return [];
  const out = [];
  for (const e of readdirSync(dir, { withFileTypes: true })) {
    const p = join(dir, e.name);
    if (e.isDirectory()) out.push(...filesUnder(p));
    else out.push(p);
  }
  return out;
}

/** Emitted files parsed back into data: YAML as objects, anything else (Jenkinsfile) as its text. */
function readDocuments(outDir) {
  const jsYaml = require('js-yaml');
  return filesUnder(outDir)
    .sort()
    .map((f) => {
      const text = readFileSync(f, 'utf8');
      let data = text;
      if (/\.ya?ml$/.test(f)) data = jsYaml.load(text, { schema: jsYaml.CORE_SCHEMA });
      return { path: relative(outDir, f), data };
    });
}

// ---------------------------------------------------------------- probe: which targets emit

function probeTargets(configDir) {
  const working = [];
  const broken = {};
  for (const t of TARGETS) {
    const out = join(configDir, `probe-${t}`);
    const r = runOnce(polyci(['compile', 'ci.config.ts', '-t', t, '-q', '--out', out], configDir));
    if (r.status === 0) working.push(t);
    else broken[t] = firstError(r.stderr);
    rmSync(out, { recursive: true, force: true });
  }
  return { working, broken };
}

const exampleName = 'complete-pipeline';
const exDir = join(WORK, 'example');
mkdirSync(join(exDir, 'node_modules'), { recursive: true });
cpSync(join(ROOT, 'examples', exampleName, 'ci.config.ts'), join(exDir, 'ci.config.ts'));
const exCache = join(exDir, 'node_modules/.cache/polyci');
// The same example plus one typed function, which the fast config scanner leaves to sucrase.
const tsDir = join(WORK, 'example-ts');
mkdirSync(join(tsDir, 'node_modules'), { recursive: true });
writeFileSync(join(tsDir, 'ci.config.ts'), `${readFileSync(join(ROOT, 'examples', exampleName, 'ci.config.ts'), 'utf8')}\nfunction label(name: string): string {\n  return name;\n}\nvoid label;\n`);
const tsCache = join(tsDir, 'node_modules/.cache/polyci');
log('probing targets');
const probe = probeTargets(exDir);
const allWork = probe.working.length === TARGETS.length;
const targetsArg = (probe.working.length ? probe.working : TARGETS).join(',');
const targetsLabel = allWork ? 'all 5 targets' : `${probe.working.length}/5 targets (${probe.working.join(', ') || 'none'})`;
if (!allWork) {
  for (const [t, e] of Object.entries(probe.broken)) extra.push(`target ${t} does not emit yet: ${e}`);
}

// ---------------------------------------------------------------- item 1: cold compile vs floor

let floor;
let bare;
if (only.has('1') || only.has('2')) {
  log(`item 1: cold compile of examples/${exampleName} -> ${targetsLabel}`);
  const cmds = [
    { name: 'floor', ...nodeEval('require("yaml"); require("zod")') },
    { name: 'bare', ...nodeEval('0') },
    { name: 'hit', ...polyci(['compile', 'ci.config.ts', '-t', targetsArg, '-q', '--out', 'out'], exDir) },
    { name: 'miss', ...polyci(['compile', 'ci.config.ts', '-t', targetsArg, '-q', '--out', 'out'], exDir, { before: () => rmSync(exCache, { recursive: true, force: true }) }) },
    {
      name: 'first',
      ...polyci(['compile', 'ci.config.ts', '-t', targetsArg, '-q', '--out', 'out'], exDir, {
        before: () => {
          rmSync(exCache, { recursive: true, force: true });
          rmSync(join(CODE_CACHE_HOME, 'first'), { recursive: true, force: true });
        },
        env: { XDG_CACHE_HOME: join(CODE_CACHE_HOME, 'first') },
      }),
    },
    { name: 'sucrase', ...polyci(['compile', 'ci.config.ts', '-t', targetsArg, '-q', '--out', 'out'], tsDir, { before: () => rmSync(tsCache, { recursive: true, force: true }) }) },
  ];
  const [f, b, hit, miss, first, sucraseMiss] = compare(cmds, { runs: runsFor(9), warmup: 1 });
  floor = f;
  bare = b;
  const lbl = `cold \`polyci compile\` examples/${exampleName} -> ${targetsLabel}`;
  const floorLabel = '`node -e \'require("yaml"); require("zod")\'`';
  const cases = [
    [hit, 'config cache hit'],
    [miss, 'config cache miss'],
    [first, 'first run: no config cache, no V8 code cache of the bundle'],
    [sucraseMiss, 'config cache miss, a config that needs sucrase (one typed function added)'],
  ];
  for (const [r, cache] of cases) {
    if (r.status !== 0) errorRow('1', `${lbl}, ${cache}`, r);
    else row('1', `${lbl}, ${cache}`, r, floorLabel, f, r.ms / f.ms, `bare \`node -e 0\`: ${fmtMs(b.ms)} ms; CPU ${fmtMs(r.cpuMs)} vs ${fmtMs(f.cpuMs)} ms`);
  }
  if (!allWork) {
    const all = runOnce(polyci(['compile', 'ci.config.ts', '-q', '--out', 'out-all'], exDir));
    if (all.status !== 0) errorRow('1', `cold \`polyci compile\` examples/${exampleName} -> all 5 targets`, all, 'not all emitters have landed');
  }
  check(allWork && hit.status === 0 ? hit.ms / f.ms <= 1.3 : undefined, `cold compile (cache hit) <= 1.3x floor: ${fmtX(hit.ms / f.ms)}${allWork ? '' : ' (not all targets emit yet)'}`);
  check(allWork && miss.status === 0 ? miss.ms / f.ms <= 1.3 : undefined, `cold compile (cache miss) <= 1.3x floor: ${fmtX(miss.ms / f.ms)} (first run after install: ${fmtX(first.ms / f.ms)}; a config that needs sucrase: ${fmtX(sucraseMiss.ms / f.ms)})`);

  // Which modules does loading ci.config.ts pull in?
  const trace = join(WORK, 'modules.txt');
  const traced = (before) => {
    rmSync(trace, { force: true });
    runOnce({ ...polyci(['compile', 'ci.config.ts', '-t', targetsArg, '-q', '--out', 'out'], exDir, { before }), argv: [NODE, '-r', join(ROOT, 'bench/lib/trace-modules.cjs'), CLI, 'compile', 'ci.config.ts', '-t', targetsArg, '-q', '--out', 'out'], env: { POLYCI_BENCH_TRACE: trace } });
    return existsSync(trace) ? readFileSync(trace, 'utf8').split('\n').filter(Boolean) : [];
  };
  const missMods = traced(() => rmSync(exCache, { recursive: true, force: true }));
  const hitMods = traced();
  const has = (mods, re) => mods.some((m) => re.test(m));
  const ts = /[\\/]node_modules[\\/]typescript[\\/]/;
  const morph = /[\\/]node_modules[\\/](ts-morph|@ts-morph)[\\/]/;
  const sucrase = /[\/](node_modules[\/]sucrase[\/]|dist[\/]sucrase\.js$)/;
  const noTs = !has(missMods, ts) && !has(hitMods, ts) && !has(missMods, morph) && !has(hitMods, morph);
  extra.push(
    `modules loaded by a compile: cache miss ${missMods.length} (sucrase: ${has(missMods, sucrase) ? 'yes' : 'no'}), cache hit ${hitMods.length} (sucrase: ${has(hitMods, sucrase) ? 'yes' : 'no'}); typescript: ${has(missMods, ts) || has(hitMods, ts) ? 'YES' : 'no'}; ts-morph: ${has(missMods, morph) || has(hitMods, morph) ? 'YES' : 'no'}`,
  );
  check(missMods.length > 0 ? noTs : undefined, 'loading ci.config.ts pulls in neither typescript nor ts-morph');
}

// ---------------------------------------------------------------- item 2: synthetic pipelines vs JSON.stringify

const synthDirs = {};
function synthDir(n) {
  if (synthDirs[n]) return synthDirs[n];
  const dir = join(WORK, `synth-${n}`);
  writeSynth(dir, n);
  return (synthDirs[n] = dir);
}

if (only.has('2')) {
  const results = [];
  for (const n of sizes) {
    log(`item 2: ${n} jobs -> ${targetsLabel}`);
    const dir = synthDir(n);
    const cache = join(dir, 'node_modules/.cache/polyci');
    const args = ['compile', 'ci.config.ts', '-t', targetsArg, '-q', '--out', 'out'];
    const first = runOnce(polyci(args, dir)); // cache miss; writes the files
    if (first.status !== 0) {
      errorRow('2', `${n} jobs -> ${targetsLabel}`, first);
      continue;
    }
    const docs = readDocuments(join(dir, 'out'));
    writeFileSync(join(dir, 'docs.v8'), serialize(docs));
    const bytes = filesUnder(join(dir, 'out')).reduce((s, f) => s + statSync(f).size, 0);
    const runs = first.ms > 8000 ? (opt.quick ? 1 : 3) : first.ms > 2000 ? runsFor(3) : runsFor(5);
    const [p, ref] = compare(
      [
        { name: 'polyci', ...polyci(args, dir) },
        { name: 'json', argv: [NODE, join(ROOT, 'bench/lib/json-ref.mjs'), join(dir, 'docs.v8'), join(dir, 'out-json')], cwd: dir },
      ],
      { runs, warmup: 0 },
    );
    const inner = JSON.parse(ref.stdout || '{}');
    const beyond = p.ms - floor.ms;
    const beyondCpu = p.cpuMs - floor.cpuMs;
    results.push({ n, p, ref, beyond, beyondCpu, inner });
    row(
      '2',
      `${n.toLocaleString('en')} jobs -> ${targetsLabel} (${(bytes / 1e6).toFixed(1)} MB out), config cache hit`,
      p,
      'JSON.stringify of the same documents (node + read + stringify + write)',
      ref,
      p.ms / ref.ms,
      `${Math.round((beyond / n) * 1000)} ms/1k jobs beyond the floor (CPU ${Math.round((beyondCpu / n) * 1000)}); JSON.stringify calls alone ${fmtMs(inner.stringifyMs)} ms -> work ratio ${fmtX(beyond / inner.stringifyMs)} (CPU ${fmtX(beyondCpu / inner.stringifyMs)})`,
    );
    if (n === Math.max(...sizes)) {
      log(`item 2: ${n} jobs, config cache miss`);
      const miss = summarize('miss', Array.from({ length: opt.quick ? 1 : 2 }, () => runOnce(polyci(args, dir, { before: () => rmSync(cache, { recursive: true, force: true }) }))));
      if (miss.status !== 0) errorRow('2', `${n} jobs, cache miss`, miss);
      else row('2', `${n.toLocaleString('en')} jobs -> ${targetsLabel}, config cache miss`, miss, 'same, cache hit', p, miss.ms / p.ms, `${(statSync(join(dir, 'ci.config.ts')).size / 1e6).toFixed(1)} MB ci.config.ts`);
      const work = p.ms - floor.ms;
      check(allWork ? work <= 1500 : undefined, `${n} jobs -> all 5 targets in < 1.5 s beyond the floor: ${fmtMs(work)} ms${allWork ? '' : ' (not all targets)'}`);
      check(allWork ? p.ms / ref.ms <= 5 : undefined, `${n} jobs <= 5x JSON.stringify (whole process): ${fmtX(p.ms / ref.ms)}; work ratio ${fmtX(work / inner.stringifyMs)}`);
    }
    rmSync(join(dir, 'out-json'), { recursive: true, force: true });
  }
  for (let i = 1; i < results.length; i++) {
    const a = results[i - 1];
    const b = results[i];
    const growth = b.beyond / a.beyond;
    const growthCpu = b.beyondCpu / Math.max(1, a.beyondCpu);
    const jobs = b.n / a.n;
    extra.push(`scaling ${a.n} -> ${b.n} jobs (x${jobs}): work beyond the floor x${growth.toFixed(1)} wall (${fmtMs(a.beyond)} -> ${fmtMs(b.beyond)} ms), x${growthCpu.toFixed(1)} CPU (${fmtMs(a.beyondCpu)} -> ${fmtMs(b.beyondCpu)} ms)`);
    check(growthCpu <= jobs * 1.15, `linear: ${a.n} -> ${b.n} jobs grows CPU time beyond the floor x${growthCpu.toFixed(1)} (<= x${jobs}; wall x${growth.toFixed(1)})`);
  }
}

// ---------------------------------------------------------------- item 2, continued: shapes of the job graph

if (only.has('d')) {
  // The same small jobs, with `needs` as a deep chain or a ladder (each job needs the two
  // previous ones), against the same jobs with no needs. A graph walk without memo is
  // quadratic on the chain and exponential on the ladder. 30 s per run at most.
  const shapes = [
    [1000, 'chain'],
    [2000, 'chain'],
    [32, 'ladder'],
  ];
  for (const [n, shape] of shapes) {
    log(`item 2: ${n} jobs, needs as a ${shape}`);
    const dir = join(WORK, `${shape}-${n}`);
    const flat = join(WORK, `flat-${n}`);
    writeShape(dir, n, shape);
    writeShape(flat, n, 'flat');
    const args = ['compile', 'ci.config.ts', '-t', targetsArg, '-q', '--out', 'out'];
    for (const d of [dir, flat]) runOnce(polyci(args, d)); // fill the config caches
    const [a, b] = compare([{ name: shape, ...polyci(args, dir), timeoutMs: 30_000 }, { name: 'flat', ...polyci(args, flat), timeoutMs: 30_000 }], { runs: shape === 'ladder' ? 1 : opt.quick ? 1 : 3, warmup: 0 });
    const label = `${n.toLocaleString('en')} jobs, needs as a ${shape === 'chain' ? 'chain (each needs the previous)' : 'ladder (each needs the 2 previous)'} -> ${targetsLabel}`;
    if (a.status !== 0) rows.push({ item: '2', label, error: a.status === null || a.status === -1 ? `killed after 30 s (${a.stderr.trim().slice(0, 80) || 'timeout'})` : `exit ${a.status}: ${firstError(a.stderr)}`, notes: `same jobs with no needs: ${fmtMs(b.ms)} ms` });
    else row('2', label, a, 'the same jobs with no needs', b, a.ms / b.ms, '');
    check(a.status === 0 ? a.ms / b.ms <= 2 : false, `${n} jobs as a ${shape} cost at most 2x the same jobs without needs: ${a.status === 0 ? fmtX(a.ms / b.ms) : 'did not finish'}`);
  }
}

// ---------------------------------------------------------------- item 3: migration throughput

if (only.has('3')) {
  log('item 3: migration');
  const corpusDir = join(WORK, 'corpus');
  const corpus = buildCorpus(ROOT, corpusDir, { copies: 300, cli: CLI, exampleDirs: [join(ROOT, 'examples')], targets: probe.working });
  const help = runOnce(polyci(['--help'], ROOT)).stdout;
  if (corpus.files.length === 0) {
    rows.push({ item: '3', label: 'migration', error: 'no importable files: no target has an importer yet', notes: corpus.note });
  } else if (!/\bmigrate\b/.test(help)) {
    rows.push({ item: '3', label: 'migration', error: '`polyci migrate` is not in the CLI yet', notes: corpus.note });
  } else {
    const out = join(WORK, 'migrated');
    const toArg = (probe.working.length ? probe.working : TARGETS).join(',');
    const toLabel = probe.working.length === 5 ? 'all 5 targets' : toArg;
    const args = ['migrate', ...corpus.files.map((f) => relative(corpusDir, f)), '--to', toArg, '--out', out, '--force'];
    const cmds = [
      { name: 'migrate', ...polyci(args, corpusDir, { before: () => rmSync(out, { recursive: true, force: true }) }), timeoutMs: 60_000 },
      { name: 'floor', ...nodeEval('require("yaml"); require("zod")') },
    ];
    // One run first: a pathological input can make a run take minutes; then stop there.
    const probeRun = summarize('migrate', [runOnce(cmds[0])]);
    const [m, f] = probeRun.status === null || probeRun.status === -1 ? [probeRun, summarize('floor', [runOnce(cmds[1])])] : compare(cmds, { runs: runsFor(3), warmup: 0 });
    const outputs = filesUnder(out).length;
    const summary = (m.stdout + m.stderr).split('\n').find((l) => /file\(s\):/.test(l)) ?? '';
    if (m.status === null || m.status === -1) {
      rows.push({ item: '3', label: `\`polyci migrate\` ${corpus.files.length} files (${corpus.kinds}) -> ${toLabel}`, error: `killed after ${(m.ms / 1000).toFixed(0)} s (timeout 60 s)`, notes: corpus.note });
      // Without detection: one `migrate --from <vendor>` process per vendor, times added up.
      const per = [];
      for (const vendor of TARGETS) {
        const files = corpus.files.filter((x) => corpus.vendorOf[x] === vendor);
        if (files.length === 0) continue;
        const r = runOnce({ ...polyci(['migrate', ...files.map((x) => relative(corpusDir, x)), '--from', vendor, '--to', toArg, '--out', join(out, vendor), '--force'], corpusDir), timeoutMs: 120_000 });
        per.push({ vendor, n: files.length, r });
      }
      const done = per.filter((x) => x.r.status === 0 || x.r.status === 1);
      const ms = done.reduce((t, x) => t + x.r.ms, 0);
      const cpu = done.reduce((t, x) => t + (x.r.cpuMs ?? 0), 0);
      const n = done.reduce((t, x) => t + x.n, 0);
      const a = { ms, cpuMs: cpu, rssKb: Math.max(...done.map((x) => x.r.rssKb ?? 0)), runs: 1 };
      const failed = per.filter((x) => !(x.r.status === 0 || x.r.status === 1)).map((x) => `${x.vendor}: ${x.r.status === -1 || x.r.status === null ? 'killed at 120 s' : `exit ${x.r.status}`}`);
      row('3', `\`polyci migrate --from <vendor>\` (no detection), ${n} files in ${done.length} processes -> ${toLabel}`, a, 'floor x processes', { ms: f.ms * done.length, cpuMs: f.cpuMs * done.length, rssKb: f.rssKb }, ms / (f.ms * done.length), `**${Math.round(n / (ms / 1000))} files/s** wall (${Math.round(n / (cpu / 1000))} per CPU second); ${per.map((x) => `${x.vendor} ${x.n} files ${fmtMs(x.r.ms)} ms`).join(', ')}${failed.length ? `; not finished: ${failed.join(', ')}` : ''}`);
    }
    else if (m.status !== 0 && outputs === 0) errorRow('3', `\`polyci migrate\` ${corpus.files.length} files -> ${toArg}`, m, corpus.note);
    else {
      row('3', `\`polyci migrate\` ${corpus.files.length} files (${corpus.kinds}) -> ${toLabel}`, m, 'floor', f, m.ms / f.ms, `**${Math.round(corpus.files.length / (m.ms / 1000))} files/s** whole process, wall (${Math.round(corpus.files.length / (m.cpuMs / 1000))} files/s per CPU second); ${outputs} files written; exit ${m.status}; ${summary.trim()}; ${corpus.note}`);
    }
  }
}

// ---------------------------------------------------------------- item 5: peers

if (only.has('5')) {
  const gwfBin = join(ROOT, 'node_modules/github-actions-workflow-ts/build/bin.js');
  for (const n of [5, 1000]) {
    log(`item 5: github-actions-workflow-ts, ${n} jobs`);
    const dir = synthDir(n);
    const out = join(dir, 'out-github');
    const args = ['compile', 'ci.config.ts', '-t', 'github', '-q', '--out', 'out-github'];
    const first = runOnce(polyci(args, dir));
    let workflow;
    let source = "polyci's own output";
    if (first.status === 0) {
      const wf = filesUnder(join(out, '.github/workflows')).find((f) => /\.ya?ml$/.test(f));
      workflow = wf && require('js-yaml').load(readFileSync(wf, 'utf8'), { schema: require('js-yaml').CORE_SCHEMA });
    }
    if (!workflow) {
      workflow = fallbackWorkflow(n);
      source = 'a hand-written equivalent (polyci github emitter not available)';
    }
    const gdir = join(WORK, `gwf-${n}`);
    writeGwfProject(gdir, workflow);
    const cmds = [
      { name: 'gwf', argv: [NODE, gwfBin, 'build'], cwd: gdir },
      { name: 'polyci', ...polyci(args, dir) },
      { name: 'polyci-miss', ...polyci(args, dir, { before: () => rmSync(join(dir, 'node_modules/.cache/polyci'), { recursive: true, force: true }) }) },
    ];
    const [g, p, pm] = compare(cmds, n > 100 ? { runs: 3, warmup: 0 } : { runs: runsFor(5), warmup: 1 });
    const label = `GitHub workflow, ${n.toLocaleString('en')} jobs: \`polyci compile -t github\``;
    if (g.status !== 0) {
      rows.push({ item: '5', label: `\`gwf build\` ${n} jobs`, error: `exit ${g.status}: ${firstError(g.stderr + g.stdout)}`, notes: `input: ${source}` });
    }
    if (p.status !== 0) errorRow('5', label, p);
    else {
      row('5', `${label}, cache hit`, p, 'github-actions-workflow-ts 0.3.1 `gwf build` (ts-node)', g.status === 0 ? g : undefined, g.status === 0 ? p.ms / g.ms : undefined, `peer given ${source}`);
      row('5', `${label}, cache miss`, pm, 'same', g.status === 0 ? g : undefined, g.status === 0 ? pm.ms / g.ms : undefined, '');
      check(g.status === 0 ? p.ms < g.ms && pm.ms < g.ms : undefined, `faster than gwf build at ${n} jobs: ${fmtX(p.ms / g.ms)} (hit), ${fmtX(pm.ms / g.ms)} (miss)`);
    }
  }
  for (const n of [5, 1000]) {
    log(`item 5: @buildkite/buildkite-sdk, ${n} steps`);
    const dir = synthDir(n);
    const out = join(dir, 'out-buildkite');
    const args = ['compile', 'ci.config.ts', '-t', 'buildkite', '-q', '--out', 'out-buildkite'];
    const first = runOnce(polyci(args, dir));
    let pipeline;
    let source = "polyci's own output";
    if (first.status === 0) {
      const f = filesUnder(out).find((x) => /\.ya?ml$/.test(x));
      pipeline = f && require('js-yaml').load(readFileSync(f, 'utf8'), { schema: require('js-yaml').CORE_SCHEMA });
    }
    if (!pipeline) {
      pipeline = fallbackBuildkite(n);
      source = 'a hand-written equivalent (polyci buildkite emitter not available)';
    }
    const bdir = join(WORK, `bk-${n}`);
    writeBuildkiteProgram(bdir, pipeline);
    const cmds = [
      { name: 'sdk', argv: [NODE, 'pipeline.js'], cwd: bdir },
      { name: 'polyci', ...polyci(args, dir) },
      { name: 'polyci-miss', ...polyci(args, dir, { before: () => rmSync(join(dir, 'node_modules/.cache/polyci'), { recursive: true, force: true }) }) },
    ];
    const [s, p, pm] = compare(cmds, { runs: runsFor(5), warmup: 1 });
    const label = `Buildkite pipeline, ${n.toLocaleString('en')} steps: \`polyci compile -t buildkite\``;
    if (s.status !== 0) rows.push({ item: '5', label: `buildkite-sdk ${n} steps`, error: `exit ${s.status}: ${firstError(s.stderr)}` });
    if (p.status !== 0) errorRow('5', label, p);
    else {
      row('5', `${label}, cache hit`, p, '@buildkite/buildkite-sdk 0.3.2 program (plain JS, `node pipeline.js`)', s.status === 0 ? s : undefined, s.status === 0 ? p.ms / s.ms : undefined, `peer given ${source} (${pipeline.steps?.length ?? 0} steps)`);
      row('5', `${label}, cache miss`, pm, 'same', s.status === 0 ? s : undefined, s.status === 0 ? pm.ms / s.ms : undefined, '');
      check(s.status === 0 ? p.ms < s.ms && pm.ms < s.ms : undefined, `faster than buildkite-sdk at ${n} steps: ${fmtX(p.ms / s.ms)} (hit), ${fmtX(pm.ms / s.ms)} (miss)`);
    }
  }
}

// ---------------------------------------------------------------- per-step scaling, in process

if (only.has('s')) {
  log('per-step scaling (in process)');
  const steps = spawnSync(NODE, [join(ROOT, 'bench/lib/steps.mjs'), '--work', join(WORK, 'steps'), '--sizes', opt.quick ? '2500,5000' : '2500,5000,10000,20000'], { cwd: ROOT, encoding: 'utf8', maxBuffer: 1 << 26 });
  if (steps.status !== 0) extra.push(`per-step scaling failed: ${firstError(steps.stderr)}`);
  else {
    const res = JSON.parse(steps.stdout);
    extra.push(...res.lines);
    check(res.worstDoubling <= 2.2, `no step is quadratic: worst growth per doubling of jobs (geometric mean over the sizes) x${res.worstDoubling.toFixed(2)} (${res.worstStep})`);
  }
}

// ---------------------------------------------------------------- report

const cpuModel = (readFileSync('/proc/cpuinfo', 'utf8').match(/model name\s*:\s*(.*)/) ?? [])[1] ?? cpus()[0]?.model ?? '?';
const head = [
  `polyci benchmark, ${new Date().toISOString().replace(/\.\d+Z$/, 'Z')}`,
  `machine: ${cpus().length} CPUs (${cpuModel}), ${Math.round(totalmem() / 2 ** 30)} GiB RAM, node ${process.version}, load average at start ${loadStart}, at end ${loadavg().map((x) => x.toFixed(1)).join(' ')}; measured with ${method}${hasGnuTime ? '' : ' (no CPU or RSS figures)'}`,
  `commit ${spawnSync('git', ['rev-parse', '--short', 'HEAD'], { cwd: ROOT, encoding: 'utf8' }).stdout.trim()}${spawnSync('git', ['status', '--porcelain', '--', 'packages'], { cwd: ROOT, encoding: 'utf8' }).stdout.trim() ? ' + uncommitted changes in packages/' : ''}; wall ms = median of whole-process runs (interleaved with the reference); RSS = peak of the runs`,
  '',
];
const table = [
  '| # | case | polyci wall ms | CPU ms | RSS MB | reference | ref wall ms | ref CPU ms | ref RSS MB | ratio (wall) | ratio (CPU) | notes |',
  '|---|---|--:|--:|--:|---|--:|--:|--:|--:|--:|---|',
  ...rows.map((r) =>
    r.error
      ? `| ${r.item} | ${r.label} | ERROR | | | | | | | | | ${r.error}${r.notes ? `; ${r.notes}` : ''} |`
      : `| ${r.item} | ${r.label} | ${fmtMs(r.a.ms)} | ${fmtMs(r.a.cpuMs)} | ${fmtMb(r.a.rssKb)} | ${r.refLabel} | ${r.b ? fmtMs(r.b.ms) : '-'} | ${r.b ? fmtMs(r.b.cpuMs) : '-'} | ${r.b ? fmtMb(r.b.rssKb) : '-'} | ${fmtX(r.ratio)} | ${r.b && r.a.cpuMs && r.b.cpuMs ? fmtX(r.a.cpuMs / r.b.cpuMs) : '-'} | ${r.notes} (n=${r.a.runs}) |`,
  ),
];
const text = [...head, ...table, '', ...extra.map((e) => `- ${e}`), '', 'Targets (issue 6):', ...checks.map((c) => `- ${c}`), '', `bench took ${((Date.now() - started) / 1000).toFixed(0)} s`].join('\n');
console.log(text);
mkdirSync(join(ROOT, 'bench/results'), { recursive: true });
writeFileSync(join(ROOT, 'bench/results/latest.md'), `${text}\n`);
if (opt.json) writeFileSync(opt.json, JSON.stringify({ rows, extra, checks }, null, 2));
