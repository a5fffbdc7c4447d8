/**
 * Where the config loader caches, and that a cache never changes what a config means:
 * small JavaScript-like configs leave no cache; TypeScript that needs sucrase is cached
 * by content; a large config is cached with V8's code cache, which V8 may reject (then
 * it is made again) and which a changed source never reuses.
 */
import { mkdirSync, mkdtempSync, readdirSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { loadConfig } from '../../packages/cli/src/load-config';

function project(): { dir: string; cache: string; entries: () => string[] } {
  const dir = mkdtempSync(join(tmpdir(), 'polyci-load-'));
  mkdirSync(join(dir, 'node_modules'));
  const cache = join(dir, 'node_modules', '.cache', 'polyci');
  return { dir, cache, entries: () => { try { return readdirSync(cache).sort(); } catch { return []; } } };
}

/** A config of `jobs` jobs; `tag` changes one string without changing the length. */
function bigConfig(jobs: number, tag: string): string {
  const lines = ["import { defineConfig, run } from '@polyci/core';", 'export default defineConfig({', `  name: 'big-${tag}',`, '  jobs: {'];
  for (let i = 0; i < jobs; i++) lines.push(`    j${i}: { image: 'node:22.11-alpine', env: { N: '${i}', PAD: '${'x'.repeat(200)}' }, steps: [run('npm test -- --shard=${i}')] },`);
  lines.push('  },', '});', '');
  return lines.join('\n');
}

describe('config loader cache', () => {
  it('loads a plain config without a cache', () => {
    const p = project();
    writeFileSync(join(p.dir, 'ci.config.ts'), "import { defineConfig, run } from '@polyci/core';\nexport default defineConfig({ name: 'x', jobs: { a: { steps: [run('true')] } } });\n");
    const loaded = loadConfig(join(p.dir, 'ci.config.ts'));
    expect(loaded.diagnostics).toEqual([]);
    expect((loaded.config as { name: string }).name).toBe('x');
    expect(p.entries()).toEqual([]);
  });

  it('caches what sucrase makes of TypeScript the scanner leaves to it', () => {
    const p = project();
    writeFileSync(join(p.dir, 'ci.config.ts'), "import { defineConfig, run } from '@polyci/core';\nfunction name(n: number): string { return `x${n}`; }\nexport default defineConfig({ name: name(1), jobs: { a: { steps: [run('true')] } } });\n");
    expect((loadConfig(join(p.dir, 'ci.config.ts')).config as { name: string }).name).toBe('x1');
    expect(p.entries()).toHaveLength(1);
    expect(p.entries()[0]).toMatch(/^[0-9a-f]{64}\.js$/);
    expect((loadConfig(join(p.dir, 'ci.config.ts')).config as { name: string }).name).toBe('x1');
  });

  it('caches a large config with its V8 code cache, and never reuses it for another source', () => {
    const p = project();
    const file = join(p.dir, 'ci.config.ts');
    const a = bigConfig(4000, 'a');
    expect(a.length).toBeGreaterThan(1 << 20);
    writeFileSync(file, a);
    const first = loadConfig(file).config as { name: string; jobs: Record<string, unknown> };
    expect(first.name).toBe('big-a');
    expect(Object.keys(first.jobs)).toHaveLength(4000);
    const made = p.entries();
    expect(made.map((f) => f.slice(64))).toEqual(['.js', '.v8']);

    // The second run reads both; the same meaning comes out.
    expect(loadConfig(file).config).toEqual(first);
    expect(p.entries()).toEqual(made);

    // A code cache V8 cannot use is made again, and the config still means the same.
    writeFileSync(join(p.cache, made[1]), Buffer.from('not a code cache'));
    expect(loadConfig(file).config).toEqual(first);

    // Same length, other content: another key, another meaning.
    const b = bigConfig(4000, 'b');
    expect(b.length).toBe(a.length);
    writeFileSync(file, b);
    expect((loadConfig(file).config as { name: string }).name).toBe('big-b');
    expect(p.entries()).toHaveLength(4);
  });
});
