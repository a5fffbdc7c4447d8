/**
 * Importer fixtures (test/fixtures/buildkite/<case>/{input.yml, expected.json}):
 * each imports to the expected IR and diagnostics, re-emits as valid Buildkite,
 * and the seed 000 pipelines re-emit as valid output for every other target.
 */
import { readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { compile, validatePipeline } from '@polyci/core';
import { emitBuildkite, importBuildkite } from '@polyci/buildkite';
import { allTargets } from '../../packages/cli/src/targets';
import { validateGenerated } from '../support/validate-output';
import { validateBuildkitePipeline } from '../validators';

const fixtures = join(__dirname, '../fixtures/buildkite');
const cases = readdirSync(fixtures, { withFileTypes: true }).filter((d) => d.isDirectory()).map((d) => d.name).sort();
const read = (c: string) => ({ input: readFileSync(join(fixtures, c, 'input.yml'), 'utf8'), expected: JSON.parse(readFileSync(join(fixtures, c, 'expected.json'), 'utf8')) });
const imported = (c: string) => importBuildkite([{ path: 'input.yml', contents: read(c).input }]);

/** Values that must never leave the input file. */
const literalCredentials = ['npm_0123456789abcdef', 'xoxb-not-a-real-token', 'hunter2'];

it('there are at least 8 realistic cases beside the seeds', () => {
  expect(cases.filter((c) => !c.startsWith('seed')).length).toBeGreaterThanOrEqual(8);
});

/** The expected.json of a result: review the diff before committing it (UPDATE_FIXTURES=1 npx jest test/buildkite/fixtures). */
function expectedOf(result: ReturnType<typeof imported>): unknown {
  const { name, env, jobs, vendor } = result.pipeline;
  return { pipeline: { name, env, jobs, ...(vendor ? { vendor } : {}) }, diagnostics: result.diagnostics.map((d) => ({ code: d.code, severity: d.severity, line: d.line })) };
}

describe.each(cases)('fixture %s', (c) => {
  const result = imported(c);
  if (process.env.UPDATE_FIXTURES) writeFileSync(join(fixtures, c, 'expected.json'), `${JSON.stringify(expectedOf(result), null, 2)}\n`);
  const { expected } = read(c);

  it('imports to the expected IR', () => {
    const { name, env, jobs, vendor } = result.pipeline;
    expect({ name, env, jobs, ...(vendor ? { vendor } : {}) }).toEqual(expected.pipeline);
  });

  it('reports the expected diagnostics, on their lines', () => {
    expect(result.diagnostics.map((d) => ({ code: d.code, severity: d.severity, line: d.line }))).toEqual(expected.diagnostics);
    for (const d of result.diagnostics) expect(d.file).toBe('input.yml');
  });

  it('never repeats a literal credential', () => {
    const text = JSON.stringify(result);
    for (const value of literalCredentials) expect(text).not.toContain(value);
  });

  it('is a valid pipeline that re-emits as valid Buildkite', async () => {
    const checked = validatePipeline(result.pipeline);
    expect(checked.diagnostics.filter((d) => d.severity === 'error')).toEqual([]);
    const emitted = emitBuildkite(checked.pipeline!, { source: 'input.yml' });
    expect(emitted.diagnostics.filter((d) => d.severity === 'error')).toEqual([]);
    expect(await validateBuildkitePipeline(emitted.files[0].contents)).toEqual([]);
    expect(emitted.files[0].contents).not.toContain('mirrorVolumeMounts');
  });
});

describe.each(cases.filter((c) => c.startsWith('seed000')))('seed %s', (c) => {
  const result = imported(c);

  it('reports mirrorVolumeMounts on its line as a key agent-stack-k8s ignores', () => {
    const line = read(c).input.split('\n').findIndex((l) => /^\s*mirrorVolumeMounts:/.test(l)) + 1;
    expect(result.diagnostics).toContainEqual(
      expect.objectContaining({ code: 'PCI043', line, message: 'agent-stack-k8s ignores this key (it is an Argo Workflows field); use extraVolumeMounts' }),
    );
  });

  it('is read as DinD without TLS, its git credentials kept', () => {
    const job = Object.values(result.pipeline.jobs)[0];
    expect(job.docker).toMatchObject({ strategy: 'dind', tls: false });
    expect(result.pipeline.vendor?.buildkite?.gitCredentialsSecret).toBe('cicd-user-git-ssh-keys');
  });
});

it('the seed 000 pipelines re-emit valid output for every target (one validator batch)', async () => {
  const generated = [];
  for (const c of cases.filter((x) => x.startsWith('seed000'))) {
    const out = compile(imported(c).pipeline, allTargets, { source: 'input.yml' });
    expect(out.diagnostics.filter((d) => d.severity === 'error')).toEqual([]);
    expect(new Set(out.files.map((f) => f.target))).toEqual(new Set(allTargets.map((t) => t.id)));
    generated.push(...out.files.map((f) => ({ label: c, target: f.target, file: f.file })));
  }
  const findings = await validateGenerated(generated, { lint: false });
  expect(findings.length).toBe(generated.length);
  expect(findings.filter((f) => f.findings.length > 0)).toEqual([]);
});
