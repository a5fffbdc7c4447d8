/**
 * Realistic GitLab files in test/fixtures/gitlab/<case>/: input.yml (plus any files it
 * includes) and expected.json, which holds the parts of the imported pipeline that
 * case is about (matched as a subset), diagnostics that must be present (code,
 * severity, file, line) and strings no diagnostic may mention (credential values).
 * Adding a case is adding a folder.
 */
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join, relative } from 'node:path';
import { importGitlab } from '@polyci/gitlab';
import type { InputFile } from '@polyci/core';

const root = join(__dirname, '../fixtures/gitlab');

function filesOf(dir: string): string[] {
  return readdirSync(dir).flatMap((name) => {
    const full = join(dir, name);
    return statSync(full).isDirectory() ? filesOf(full) : [full];
  });
}

const cases = readdirSync(root).filter((d) => statSync(join(root, d)).isDirectory()).sort();

it('has at least 8 realistic cases', () => {
  expect(cases.length).toBeGreaterThanOrEqual(8);
});

describe.each(cases)('%s', (name) => {
  const dir = join(root, name);
  const expected = JSON.parse(readFileSync(join(dir, 'expected.json'), 'utf8'));
  const paths = filesOf(dir).filter((f) => !f.endsWith('expected.json'));
  paths.sort((a, b) => (a.endsWith('input.yml') ? -1 : b.endsWith('input.yml') ? 1 : a.localeCompare(b)));
  const files: InputFile[] = paths.map((p) => ({ path: relative(root, p), contents: readFileSync(p, 'utf8') }));
  const result = importGitlab(files);

  it('imports to the expected structure', () => {
    if (expected.pipeline) {
      expect(result.diagnostics.filter((d) => d.severity === 'error')).toEqual([]);
      expect(result.pipeline).toMatchObject(expected.pipeline);
    }
  });

  it('reports the expected findings, with positions', () => {
    for (const want of expected.diagnostics ?? []) {
      expect(result.diagnostics).toEqual(expect.arrayContaining([expect.objectContaining(want)]));
    }
    for (const d of result.diagnostics) if (d.line !== undefined) expect(d.file).toBeDefined();
  });

  it('never repeats a credential', () => {
    for (const secret of expected.neverMentioned ?? []) {
      expect(JSON.stringify(result.diagnostics)).not.toContain(secret);
      expect(JSON.stringify(result.pipeline)).not.toContain(secret);
    }
  });
});

it('gives file:line of IR paths, through extends and default, for lint and explain', () => {
  const read = (p: string) => readFileSync(join(root, p), 'utf8');
  const kaniko = importGitlab([{ path: 'kaniko-extends/input.yml', contents: read('kaniko-extends/input.yml') }]);
  // the builder image comes from the .kaniko template, two levels up
  expect(kaniko.positions?.['jobs.build-image.docker']).toEqual({ file: 'kaniko-extends/input.yml', line: 13, column: 3 });
  expect(kaniko.positions?.['jobs.build-image.runner']).toEqual({ file: 'kaniko-extends/input.yml', line: 5, column: 3 });
  const tls = importGitlab([{ path: 'dind-no-tls-credentials/input.yml', contents: read('dind-no-tls-credentials/input.yml') }]);
  expect(tls.positions?.['jobs.docker-build.docker.tls']).toMatchObject({ line: 5 });
  expect(tls.positions?.['jobs.docker-build.image']).toMatchObject({ line: 10 });
});
