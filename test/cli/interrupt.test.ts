/**
 * A run killed at any moment leaves every output file either as it was or as the
 * new version, never half-written: writes go to a temp file and are renamed. The
 * CLI bundle compiles 20 configs (100 files) and is killed with SIGKILL at moments
 * spread over a measured full run, so that kills land inside the write phase too.
 */
import { spawn, spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';

const cli = resolve(__dirname, '../../packages/cli/dist/polyci.js');
const projects = 20;

function config(version: string, jobs: number): string {
  const body = Array.from({ length: jobs }, (_, i) => `    j${i}: { image: 'node:22.11', needs: ${i > 0 ? `['j${i - 1}']` : '[]'}, env: { N: '${i}' }, docker: { strategy: 'kaniko' }, steps: [{ run: 'npm ci\\nnpm test -- --shard=${i}' }, { buildImage: { tags: ['r.example.com/${version}:${i}'], push: true } }] },`).join('\n');
  // same pipeline name (the GitHub workflow's file name), different contents
  return `export default { name: 'pipeline', jobs: {\n${body}\n  } };\n`;
}

function writeProjects(dir: string, version: string): string[] {
  return Array.from({ length: projects }, (_, p) => {
    mkdirSync(join(dir, `p${p}`), { recursive: true });
    const file = join(dir, `p${p}`, 'ci.config.ts');
    writeFileSync(file, config(version, 40));
    return file;
  });
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

const compileArgs = (configs: string[]) => [cli, 'compile', ...configs, '--quiet'];

describe('an interrupted compile', () => {
  const dir = mkdtempSync(join(tmpdir(), 'polyci-kill-'));
  let before: Map<string, string>;
  let after: Map<string, string>;
  let configs: string[];
  let fullRunMs = 0;

  beforeAll(() => {
    expect(existsSync(cli)).toBe(true);
    configs = writeProjects(dir, 'old');
    expect(spawnSync(process.execPath, compileArgs(configs)).status).toBe(0);
    before = outputs(dir);
    const other = mkdtempSync(join(tmpdir(), 'polyci-kill-new-'));
    const started = Date.now();
    expect(spawnSync(process.execPath, compileArgs(writeProjects(other, 'new'))).status).toBe(0);
    fullRunMs = Date.now() - started;
    after = outputs(other);
    writeProjects(dir, 'new');
  });

  it.each([0.5, 0.8, 0.9, 0.97])('killed at %f of a full run leaves whole files only', async (fraction) => {
    const child = spawn(process.execPath, compileArgs(configs), { stdio: 'ignore' });
    // listen from the start: a run that ends before the kill must not be waited for forever
    const exited = new Promise((r) => child.on('exit', r));
    await new Promise((r) => setTimeout(r, Math.round(fullRunMs * fraction)));
    child.kill('SIGKILL');
    await exited;
    const now = outputs(dir);
    expect([...now.keys()].sort()).toEqual([...before.keys()].sort());
    for (const [path, contents] of now) {
      expect([before.get(path), after.get(path)]).toContain(contents);
    }
    // put the old version back so every kill starts from the same state
    for (const [path, contents] of before) writeFileSync(join(dir, path), contents);
  });

  it('killed right after its first write (inside the write phase) leaves old and new whole files side by side', async () => {
    const first = join(dir, 'p0', '.gitlab-ci.yml');
    const old = readFileSync(first, 'utf8');
    const child = spawn(process.execPath, compileArgs(configs), { stdio: 'ignore' });
    // listen from the start: a run that ends before the kill must not be waited for forever
    const exited = new Promise((r) => child.on('exit', r));
    // Spin on the first output: the moment it changes, the write phase has begun and 99 files are still to come.
    const deadline = Date.now() + 120000;
    while (Date.now() < deadline && readFileSync(first, 'utf8') === old) {
      /* spin */
    }
    child.kill('SIGKILL');
    await exited;
    const now = outputs(dir);
    let stale = 0;
    let fresh = 0;
    for (const [path, contents] of now) {
      expect([before.get(path), after.get(path)]).toContain(contents);
      if (contents === after.get(path)) fresh++;
      else stale++;
    }
    expect(fresh).toBeGreaterThan(0);
    expect(stale).toBeGreaterThan(0);
  });

  it('a complete run afterwards writes the new version', () => {
    expect(spawnSync(process.execPath, compileArgs(configs)).status).toBe(0);
    expect(outputs(dir)).toEqual(after);
  });
});
