/**
 * The CLI as a user meets it: bad configs get one clear message with the file and
 * the field path, a non-zero exit and no files; good ones write files atomically and
 * never over a file polyci did not generate.
 */
import { existsSync, mkdtempSync, readdirSync, readFileSync, writeFileSync, mkdirSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { runCli } from '../../packages/cli/src/main';

function run(args: string[], cwd?: string) {
  let out = '';
  let err = '';
  const previous = process.cwd();
  if (cwd) process.chdir(cwd);
  try {
    const code = runCli(args, { out: (s) => (out += s), err: (s) => (err += s) });
    return { code, out, err };
  } finally {
    process.chdir(previous);
  }
}

function project(config: string): string {
  const dir = mkdtempSync(join(tmpdir(), 'polyci-cli-'));
  writeFileSync(join(dir, 'ci.config.ts'), config);
  return dir;
}

const good = `import { defineConfig, docker, run } from '@polyci/core';
export default defineConfig({ name: 'demo', jobs: { build: { docker: docker.dind(), steps: [run('docker build -t app .')] } } });
`;

const noStackTrace = (s: string) => expect(s).not.toMatch(/\n\s+at .+:\d+:\d+/);

describe('polyci compile: bad configs', () => {
  it('a config that throws: file, line, exit 1, no files', () => {
    const dir = project(`import { defineConfig } from '@polyci/core';\n\nthrow new Error('no registry configured');\nexport default defineConfig({} as any);\n`);
    const r = run(['compile', join(dir, 'ci.config.ts'), '--target', 'gitlab']);
    expect(r.code).toBe(1);
    expect(r.err).toContain('ci.config.ts:3:');
    expect(r.err).toContain('threw while loading: no registry configured');
    noStackTrace(r.err);
    expect(readdirSync(dir)).toEqual(['ci.config.ts']);
  });

  it('a config that exports nothing', () => {
    const dir = project(`const x = 1;\n`);
    const r = run(['compile', join(dir, 'ci.config.ts')]);
    expect(r.code).toBe(1);
    expect(r.err).toMatch(/exports no pipeline/);
    expect(r.err).toMatch(/export default defineConfig/);
    expect(readdirSync(dir)).toEqual(['ci.config.ts']);
  });

  it('a config with a wrong shape names every bad field path', () => {
    const dir = project(`export default { name: 'x', jobs: { build: { steps: [{ run: 42 }], docker: { strategy: 'dnd' }, timeout: 5 } } };\n`);
    const r = run(['compile', join(dir, 'ci.config.ts')]);
    expect(r.code).toBe(1);
    expect(r.err).toContain('[jobs.build.steps[0]]');
    expect(r.err).toContain('[jobs.build.docker.strategy]');
    expect(r.err).toContain('unknown key "timeout"');
    noStackTrace(r.err);
    expect(readdirSync(dir)).toEqual(['ci.config.ts']);
  });

  it('a config with a syntax error: file:line:col and a code frame', () => {
    const dir = project(`export default {\n  name: 'x',,\n};\n`);
    const r = run(['compile', join(dir, 'ci.config.ts')]);
    expect(r.code).toBe(1);
    expect(r.err).toMatch(/ci\.config\.ts:2:\d+: error PCI001: .*does not parse/);
    expect(r.err).toContain(">    2 |   name: 'x',,");
    noStackTrace(r.err);
  });

  it('a missing config', () => {
    const r = run(['compile', '/nonexistent/ci.config.ts']);
    expect(r.code).toBe(1);
    expect(r.err).toMatch(/no such file/);
  });

  it('usage errors exit 2', () => {
    expect(run(['compile', '--target', 'travis']).code).toBe(2);
    expect(run(['frobnicate']).code).toBe(2);
    expect(run(['compile', '--no-such-flag']).code).toBe(2);
    expect(run([]).code).toBe(2);
    expect(run(['--help']).code).toBe(0);
    expect(run(['--version']).out).toMatch(/^\d+\.\d+\.\d+/);
  });
});

describe('polyci compile: many findings', () => {
  it('prints 20 of each finding and counts the rest; JSON lists them all', () => {
    const jobs = Array.from({ length: 30 }, (_, i) => `j${i}: { docker: docker.dind(), steps: [run('docker build .')] }`).join(', ');
    const dir = project(`import { defineConfig, docker, run } from '@polyci/core';\nexport default defineConfig({ name: 'many', jobs: { ${jobs} } });\n`);
    const text = run(['compile', join(dir, 'ci.config.ts'), '--target', 'compose']);
    expect(text.code).toBe(0);
    expect(text.err.match(/warning PCI020:/g)).toHaveLength(20);
    expect(text.err).toContain('... and 10 more warning PCI020 (--format json lists them all)');
    const json = run(['compile', join(dir, 'ci.config.ts'), '--target', 'compose', '--format', 'json']);
    expect(JSON.parse(json.out).filter((d: { code: string }) => d.code === 'PCI020')).toHaveLength(30);
  });
});

describe('polyci compile: writing', () => {
  it('writes every target beside the config, then check passes; a hand edit makes check fail', () => {
    const dir = project(good);
    const first = run(['compile', join(dir, 'ci.config.ts')]);
    expect(first.err).not.toMatch(/error/);
    expect(first.code).toBe(0);
    expect(existsSync(join(dir, '.gitlab-ci.yml'))).toBe(true);
    expect(existsSync(join(dir, 'Jenkinsfile'))).toBe(true);
    expect(run(['check', join(dir, 'ci.config.ts')]).code).toBe(0);
    writeFileSync(join(dir, '.gitlab-ci.yml'), `${readFileSync(join(dir, '.gitlab-ci.yml'), 'utf8')}# edited\n`);
    const check = run(['check', join(dir, 'ci.config.ts')]);
    expect(check.code).toBe(1);
    expect(check.err).toContain('.gitlab-ci.yml');
  });

  it('never overwrites a file it did not generate, unless --force', () => {
    const dir = project(good);
    writeFileSync(join(dir, '.gitlab-ci.yml'), 'hand-written: true\n');
    const r = run(['compile', join(dir, 'ci.config.ts'), '--target', 'gitlab,github']);
    expect(r.code).toBe(1);
    expect(r.err).toMatch(/PCI060.*not generated by polyci/);
    expect(readFileSync(join(dir, '.gitlab-ci.yml'), 'utf8')).toBe('hand-written: true\n');
    expect(existsSync(join(dir, '.github'))).toBe(false);
    expect(run(['compile', join(dir, 'ci.config.ts'), '--target', 'gitlab', '--force']).code).toBe(0);
    expect(readFileSync(join(dir, '.gitlab-ci.yml'), 'utf8')).toMatch(/Generated by polyci/);
  });

  it('--out writes elsewhere and --format json prints diagnostics as JSON', () => {
    const dir = project(good);
    const out = join(dir, 'out');
    mkdirSync(out);
    const r = run(['compile', join(dir, 'ci.config.ts'), '--out', out, '--target', 'gitlab', '--format', 'json']);
    expect(r.code).toBe(0);
    const diagnostics = JSON.parse(r.out);
    expect(diagnostics.some((d: { code: string }) => d.code === 'PCI020')).toBe(true);
    expect(existsSync(join(out, '.gitlab-ci.yml'))).toBe(true);
  });
});
