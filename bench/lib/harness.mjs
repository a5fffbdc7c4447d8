// Whole-process measurement: spawn the command N times and read the child's wall time,
// CPU time (user+sys) and peak RSS. Preferred: bench/lib/rusage.py (python3: fork/exec/
// wait4, microsecond rusage, wall time taken around the child only); else GNU time
// (`/usr/bin/time`, 10 ms CPU steps) with wall time from the parent's clock; else wall
// time only. Commands that are compared run interleaved (A B C A B C ...), so a noisy
// neighbour hurts all alike.
import { spawnSync } from 'node:child_process';
import { existsSync, readFileSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { tmpdir } from 'node:os';
import { fileURLToPath } from 'node:url';

const rusagePy = fileURLToPath(new URL('./rusage.py', import.meta.url));
const python = ['python3', '/usr/bin/python3'].find((p) => spawnSync(p, [rusagePy, '/dev/null', 'true']).status === 0);
const gnuTime = ['/usr/bin/time', '/bin/time'].find((p) => existsSync(p) && spawnSync(p, ['-f', '%M', 'true']).status === 0);
export const hasGnuTime = Boolean(gnuTime || python);
export const method = python ? 'rusage.py (wait4)' : gnuTime ? 'GNU time' : 'wall clock only';
const statFile = join(tmpdir(), `polyci-bench-time-${process.pid}.txt`);

/**
 * One run. cmd: { name, argv: [file, ...args], cwd, env, before?() } -> { ms, cpuMs, rssKb, status, stdout, stderr }.
 * `before` runs untimed (e.g. clearing a cache).
 */
export function runOnce(cmd) {
  if (cmd.before) cmd.before();
  const [file, ...args] = cmd.argv;
  const spawnFile = python ?? gnuTime ?? file;
  const spawnArgs = python ? [rusagePy, statFile, file, ...args] : gnuTime ? ['-f', '%U %S %M', '-o', statFile, file, ...args] : args;
  const t0 = process.hrtime.bigint();
  const r = spawnSync(spawnFile, spawnArgs, {
    cwd: cmd.cwd,
    env: { ...process.env, ...(cmd.env ?? {}) },
    stdio: ['ignore', 'pipe', 'pipe'],
    maxBuffer: 1 << 30,
    timeout: cmd.timeoutMs ?? 600_000,
  });
  let ms = Number(process.hrtime.bigint() - t0) / 1e6;
  let cpuMs;
  let rssKb;
  if (python && existsSync(statFile)) {
    const [w, c, m] = readFileSync(statFile, 'utf8').trim().split(/\s+/).map(Number);
    if (Number.isFinite(w)) ms = w;
    if (Number.isFinite(c)) cpuMs = c;
    if (Number.isFinite(m)) rssKb = m;
    rmSync(statFile, { force: true });
  } else if (gnuTime && existsSync(statFile)) {
    // GNU time writes "Command exited with non-zero status N" first on failure.
    const line = readFileSync(statFile, 'utf8').trim().split('\n').pop() ?? '';
    const [u, s, m] = line.split(/\s+/).map(Number);
    if (Number.isFinite(u) && Number.isFinite(s)) cpuMs = (u + s) * 1000;
    if (Number.isFinite(m)) rssKb = m;
    rmSync(statFile, { force: true });
  }
  return {
    ms,
    cpuMs,
    rssKb,
    status: r.error ? -1 : r.status,
    error: r.error ? String(r.error.message) : undefined,
    stdout: r.stdout?.toString() ?? '',
    stderr: r.stderr?.toString() ?? '',
  };
}

export function median(values) {
  const v = values.filter((x) => typeof x === 'number' && Number.isFinite(x)).sort((a, b) => a - b);
  if (v.length === 0) return undefined;
  const mid = v.length >> 1;
  return v.length % 2 ? v[mid] : (v[mid - 1] + v[mid]) / 2;
}

/**
 * Measure several commands side by side: `warmup` untimed rounds, then `runs` rounds,
 * each round running every command once, in order. Returns per command:
 * { name, runs, ms (median wall), cpuMs (median), rssKb (max of runs), status (first non-zero, else 0), stderr (of a failed run) }.
 */
export function compare(cmds, { runs = 5, warmup = 1 } = {}) {
  const samples = cmds.map(() => []);
  for (let w = 0; w < warmup; w++) for (const c of cmds) runOnce(c);
  for (let r = 0; r < runs; r++) {
    cmds.forEach((c, i) => samples[i].push(runOnce(c)));
  }
  return cmds.map((c, i) => summarize(c.name, samples[i]));
}

export function summarize(name, s) {
  const failed = s.find((x) => x.status !== 0);
  return {
    name,
    runs: s.length,
    ms: median(s.map((x) => x.ms)),
    cpuMs: median(s.map((x) => x.cpuMs)),
    rssKb: s.reduce((m, x) => Math.max(m, x.rssKb ?? 0), 0) || undefined,
    status: failed ? failed.status : 0,
    stderr: failed ? failed.stderr || failed.error || '' : '',
    stdout: s.at(-1)?.stdout ?? '',
    samples: s.map((x) => Math.round(x.ms)),
  };
}
