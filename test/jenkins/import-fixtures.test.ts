/**
 * Realistic Jenkinsfiles (test/fixtures/jenkins/<case>/Jenkinsfile, seeds 001 and 003
 * among them) imported and compared with the key IR facts in expected.json: job graph,
 * daemon strategy, images, secrets, conditions, the kind of every step, and the
 * diagnostics (code and line). One driver; adding a case is adding a folder.
 */
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { parsePipeline, type Step } from '@polyci/core';
import { importJenkinsfiles } from '../../packages/jenkins/src/import';

const dir = join(__dirname, '../fixtures/jenkins');
const cases = readdirSync(dir).filter((name) => readdirSync(join(dir, name)).includes('Jenkinsfile'));

interface Expected {
  pipeline: { env?: Record<string, string>; triggers?: unknown; jobs: Record<string, Record<string, unknown> & { steps: unknown[] }> };
  diagnostics: { code: string; severity: string; line: number }[];
}

/** A step as expected.json spells it: 'checkout' (or { checkout } with options), 'vendor', { run }, or { buildImage: { tags, push } }. */
function stepFact(s: Step): unknown {
  if ('run' in s) return { run: s.run };
  if ('buildImage' in s) return { buildImage: { tags: s.buildImage.tags, push: s.buildImage.push } };
  if ('checkout' in s) return Object.keys(s.checkout).length > 0 ? { checkout: s.checkout } : 'checkout';
  return 'vendor';
}

it('has at least 8 realistic Jenkinsfiles, with the seeds', () => {
  expect(cases.length).toBeGreaterThanOrEqual(8);
  expect(cases).toEqual(expect.arrayContaining(['seed-001-socket', 'seed-003-sidecar-dind']));
});

describe.each(cases)('fixture %s', (name) => {
  const path = `test/fixtures/jenkins/${name}/Jenkinsfile`;
  const result = importJenkinsfiles([{ path, contents: readFileSync(join(dir, name, 'Jenkinsfile'), 'utf8') }]);
  const expected = JSON.parse(readFileSync(join(dir, name, 'expected.json'), 'utf8')) as Expected;

  it('imports without errors into a valid pipeline', () => {
    expect(result.diagnostics.filter((d) => d.severity === 'error')).toEqual([]);
    expect(parsePipeline(result.pipeline).diagnostics).toEqual([]);
  });

  it('has the expected jobs, graph, strategies and steps', () => {
    const jobs = result.pipeline.jobs;
    expect(Object.keys(jobs)).toEqual(Object.keys(expected.pipeline.jobs));
    for (const [id, facts] of Object.entries(expected.pipeline.jobs)) {
      const { steps, services, ...rest } = facts;
      expect(jobs[id]).toMatchObject(rest);
      // fields the fixture leaves out are absent, not just unchecked
      for (const key of ['docker', 'image', 'conditions', 'timeoutMinutes', 'retry', 'artifacts'] as const) if (!(key in facts)) expect(jobs[id][key]).toBeUndefined();
      expect(jobs[id].services.map((s) => ({ alias: s.alias, image: s.image }))).toEqual(services ?? []);
      expect(jobs[id].steps.map(stepFact)).toEqual(steps);
    }
    expect(result.pipeline.env).toEqual(expected.pipeline.env ?? {});
    if (expected.pipeline.triggers) expect(result.pipeline.triggers).toEqual(expected.pipeline.triggers);
  });

  it('reports what it cannot carry, each with file:line:col', () => {
    expect(result.diagnostics.map((d) => ({ code: d.code, severity: d.severity, line: d.line }))).toEqual(expected.diagnostics);
    for (const d of result.diagnostics) {
      expect(d.file).toBe(path);
      expect(d.line).toBeGreaterThan(0);
      expect(d.column).toBeGreaterThan(0);
    }
  });

  it('never repeats a literal credential', () => {
    const text = readFileSync(join(dir, name, 'Jenkinsfile'), 'utf8');
    const literals = [...text.matchAll(/(?:TOKEN|PASSWORD)\s*=\s*'([^']{8,})'/g)].map((m) => m[1]);
    const output = JSON.stringify(result);
    for (const value of literals) expect(output).not.toContain(value);
  });
});
