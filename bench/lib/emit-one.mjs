// In-process emit timing of one or more targets on a synthetic pipeline, for working on
// an emitter's speed (the bench's per-step section runs the same bundle, fresh process).
//
//   node bench/lib/emit-one.mjs --target jenkins [--jobs 10000] [--reps 3] [--name mine]
//   node --cpu-prof --cpu-prof-dir=/tmp/p bench/lib/emit-one.mjs --target jenkins --reps 1
//
// Builds core, the targets and the CLI's loader from the sources into
// bench/.work/<name>/lib.cjs, writes the synthetic config once per size, then prints the
// CPU time (user+sys) of each emit and their median. `--target all` times every target.
import { existsSync, mkdirSync } from 'node:fs';
import { createRequire } from 'node:module';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { buildLib } from './steps.mjs';
import { writeSynth } from './synth.mjs';

const ROOT = fileURLToPath(new URL('../..', import.meta.url));
const { values: opt } = parseArgs({
  options: { target: { type: 'string', default: 'all' }, jobs: { type: 'string', default: '10000' }, reps: { type: 'string', default: '3' }, name: { type: 'string', default: 'emit-one' } },
});
const work = join(ROOT, 'bench', '.work', opt.name);
mkdirSync(work, { recursive: true });
const lib = join(work, 'lib.cjs');
await buildLib(lib);
const synth = join(ROOT, 'bench', '.work', `synth-${opt.jobs}`);
if (!existsSync(join(synth, 'ci.config.ts'))) writeSynth(synth, Number(opt.jobs));

const cpu = () => {
  const u = process.cpuUsage();
  return (u.user + u.system) / 1000;
};
const { core, loadConfig, allTargets } = createRequire(import.meta.url)(lib);
let t = cpu();
const loaded = loadConfig(join(synth, 'ci.config.ts'));
if (!loaded.config) throw new Error(JSON.stringify(loaded.diagnostics));
const times = { load: cpu() - t };
t = cpu();
const parsed = core.parsePipeline(loaded.config);
times.parse = cpu() - t;
t = cpu();
const checked = core.checkPipeline(parsed.pipeline);
times.check = cpu() - t;
console.log(Object.entries(times).map(([k, v]) => `${k} ${Math.round(v)} ms`).join(', '));
const targets = opt.target === 'all' ? allTargets : allTargets.filter((x) => opt.target.split(',').includes(x.id));
if (!targets.length) throw new Error(`no target ${opt.target}`);
// as core's compile does: one cache of what the targets derive alike from the IR
core.withEmitCache(() => {
  for (const target of targets) {
    const runs = [];
    let bytes = 0;
    let diagnostics = 0;
    for (let i = 0; i < Number(opt.reps); i++) {
      t = cpu();
      const r = target.emit(checked.pipeline, { source: 'ci.config.ts' });
      runs.push(cpu() - t);
      bytes = r.files.reduce((n, f) => n + f.contents.length, 0);
      diagnostics = r.diagnostics.length;
    }
    const median = [...runs].sort((a, b) => a - b)[Math.floor(runs.length / 2)];
    console.log(`${target.id}: ${runs.map(Math.round).join(' / ')} ms, median ${Math.round(median)} ms; ${(bytes / 1e6).toFixed(1)} MB, ${diagnostics} diagnostics`);
  }
});
