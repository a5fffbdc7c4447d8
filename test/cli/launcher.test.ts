/**
 * The `polyci` bin runs the bundle with V8's code cache: the first run makes the cache,
 * later runs use it, a cache V8 cannot use is made again, and none of this changes what
 * a command prints, writes or exits with.
 */
import { spawnSync } from 'node:child_process';
import { copyFileSync, mkdtempSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';

const cli = resolve(__dirname, '../../packages/cli/dist/polyci.js');
const example = resolve(__dirname, '../../examples/complete-pipeline/ci.config.ts');

function polyci(cacheHome: string, args: string[], env: Record<string, string> = {}) {
  const r = spawnSync(process.execPath, [cli, ...args], { encoding: 'utf8', env: { ...process.env, XDG_CACHE_HOME: cacheHome, ...env } });
  return { status: r.status, stdout: r.stdout, stderr: r.stderr };
}

describe('polyci launcher (V8 code cache)', () => {
  const home = mkdtempSync(join(tmpdir(), 'polyci-v8-'));
  const work = mkdtempSync(join(tmpdir(), 'polyci-launch-'));
  const config = join(work, 'ci.config.ts');
  copyFileSync(example, config);
  const cacheDir = join(home, 'polyci', 'v8');
  const entries = () => readdirSync(cacheDir).filter((f) => !f.endsWith('.tmp'));
  const args = ['compile', config, '--out', join(work, 'out'), '--target', 'gitlab,jenkins'];

  it('makes the cache on the first run and gives the same result with it', () => {
    const first = polyci(home, args);
    expect(first.status).toBe(0);
    expect(entries()).toHaveLength(1);
    expect(entries()[0]).toMatch(new RegExp(`^main-[0-9a-f]{16}-${process.version.replace(/\./g, '\\.')}-${process.arch}\\.bin$`));
    const out = readFileSync(join(work, 'out', '.gitlab-ci.yml'), 'utf8');
    const second = polyci(home, args);
    expect(second).toEqual({ ...first, stderr: first.stderr.replace(/\d+ file\(s\) written, \d+ unchanged/, '0 file(s) written, 2 unchanged') });
    expect(readFileSync(join(work, 'out', '.gitlab-ci.yml'), 'utf8')).toBe(out);
  });

  it('makes a cache V8 rejects again, with the same result', () => {
    const file = join(cacheDir, entries()[0]);
    writeFileSync(file, Buffer.from('not a code cache at all'));
    const run = polyci(home, args);
    expect(run.status).toBe(0);
    expect(readFileSync(file).length).toBeGreaterThan(10_000);
  });

  it('reports user mistakes the same way with and without the cache', () => {
    const bad = ['compile', join(work, 'missing.ts')];
    const withCache = polyci(home, bad);
    const without = polyci(home, bad, { POLYCI_NO_CODE_CACHE: '1' });
    expect(withCache.status).toBe(1);
    expect(withCache).toEqual(without);
    expect(withCache.stderr).toContain('cannot read');
  });

  it('runs where the cache directory cannot be made', () => {
    const notADirectory = join(work, 'a-file');
    writeFileSync(notADirectory, '');
    const run = polyci(notADirectory, args);
    expect(run.status).toBe(0);
  });
});
