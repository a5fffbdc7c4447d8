/**
 * A run killed at any moment leaves every output file either as it was or as
 * the new version, never half-written: writes go to a temp file and are renamed.
 * The CLI bundle is killed with SIGKILL at spread-out moments of a large compile.
 */
import { spawn, spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';

const cli = resolve(__dirname, '../../packages/cli/dist/polyci.js');

function config(name: string, jobs: number): string {
  const body = Array.from({ length: jobs }, (_, i) => `    j${i}: { image: 'node:22.11', needs: ${i > 0 ? `['j${i - 1}']` : '[]'}, env: { N: '${i}' }, docker: { strategy: 'kaniko' }, steps: [{ run: 'npm ci\\nnpm test -- --shard=${i}' }, { buildImage: { tags: ['r.example.com/${name}:${i}'], push: true } }] },`).join('\n');
  return `export default { name: '${name}', policy: { privileged: 'allow' }, jobs: {\n${body}\n  } };\n`;
}

function outputs(dir: string): Map<string, string> {
  const files = new Map<string, string>();
  const walk = (d: string) => {
    for (const e of readdirSync(d, { withFileTypes: true })) {
      const p = join(d, e.name);
      if (e.isDirectory()) walk(p);
      else if (!e.name.endsWith('.ts') && !e.name.includes('.polyci-')) files.set(p.slice(dir.length + 1), readFileSync(p, 'utf8'));
    }
  };
  walk(dir);
  return files;
}

const runToEnd = (dir: string) => spawnSync(process.execPath, [cli, 'compile', join(dir, 'ci.config.ts'), '--quiet'], { encoding: 'utf8' });

describe('an interrupted compile', () => {
  const dir = mkdtempSync(join(tmpdir(), 'polyci-kill-'));
  let before: Map<string, string>;
  let after: Map<string, string>;

  beforeAll(() => {
    expect(existsSync(cli)).toBe(true);
    writeFileSync(join(dir, 'ci.config.ts'), config('old', 400));
    expect(runToEnd(dir).status).toBe(0);
    before = outputs(dir);
    // the new version, computed in a separate folder
    const other = mkdtempSync(join(tmpdir(), 'polyci-kill-new-'));
    writeFileSync(join(other, 'ci.config.ts'), config('new', 400));
    expect(runToEnd(other).status).toBe(0);
    after = outputs(other);
    writeFileSync(join(dir, 'ci.config.ts'), config('new', 400));
  });

  it.each([30, 80, 150, 250, 400, 600, 900])('killed after %i ms leaves whole files only', async (delay) => {
    const child = spawn(process.execPath, [cli, 'compile', join(dir, 'ci.config.ts'), '--quiet'], { stdio: 'ignore' });
    await new Promise((r) => setTimeout(r, delay));
    child.kill('SIGKILL');
    await new Promise((r) => child.on('exit', r));
    const now = outputs(dir);
    expect([...now.keys()].sort()).toEqual([...before.keys()].sort());
    for (const [path, contents] of now) {
      expect([before.get(path), after.get(path)]).toContain(contents);
    }
  });

  it('a complete run afterwards writes the new version', () => {
    expect(runToEnd(dir).status).toBe(0);
    expect(outputs(dir)).toEqual(after);
  });
});
