/**
 * Every example, and random pipelines from pipelineArb, emitted for GitLab and checked by
 * gitlab-ci-local --preview (GitLab's CI schema plus its own structural checks).
 */
import fc from 'fast-check';
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join, relative } from 'node:path';
import { emitGitlab, importGitlab } from '@polyci/gitlab';
import { hasErrors, validatePipeline, type Pipeline } from '@polyci/core';
import { pipelineArb } from '../support/arbitraries';
import { richArb } from './rich-arbitrary';
import { exampleNames, loadExample } from '../support/examples';
import { validateGitlabCiMany } from '../validators';

function emitted(pipeline: Pipeline): string {
  const result = emitGitlab(pipeline, { source: 'ci.config.ts' });
  if (hasErrors(result.diagnostics)) throw new Error(JSON.stringify(result.diagnostics));
  return result.files[0].contents;
}

it('every example passes gitlab-ci-local --preview with no finding', async () => {
  const names = exampleNames();
  const findings = await validateGitlabCiMany(names.map((n) => emitted(loadExample(n))));
  expect(Object.fromEntries(names.map((n, i) => [n, findings[i]]))).toEqual(Object.fromEntries(names.map((n) => [n, []])));
}, 600_000);

/**
 * Several random pipelines as one (job ids prefixed, pipeline env moved into each job),
 * so one gitlab-ci-local process checks many: a spawn costs ~0.7 s, more on a busy machine.
 */
function combine(pipelines: Pipeline[]): Pipeline {
  const jobs: Pipeline['jobs'] = {};
  pipelines.forEach((p, i) => {
    for (const [id, job] of Object.entries(p.jobs)) {
      jobs[`p${i}-${id}`] = { ...job, env: { ...p.env, ...job.env }, needs: job.needs.map((n) => `p${i}-${n}`) };
    }
  });
  return { ...pipelines[0], env: {}, jobs };
}

it('120 random pipelines (in batches of 8) pass gitlab-ci-local --preview with no finding', async () => {
  const pipelines = fc.sample(pipelineArb, { numRuns: 120, seed: 4242 });
  const batches: Pipeline[] = [];
  for (let i = 0; i < pipelines.length; i += 8) batches.push(combine(pipelines.slice(i, i + 8)));
  const texts = batches.map(emitted);
  const findings = await validateGitlabCiMany(texts);
  const bad = findings.flatMap((f, i) => (f.length > 0 ? [{ text: texts[i], findings: f }] : []));
  expect(bad.slice(0, 2)).toEqual([]);
}, 600_000);

it('the validator rejects a broken variant of an emitted file (the check can fail)', async () => {
  const text = emitted(loadExample('dind-basic'));
  const broken = [text.replace(/\n {2}script:\n(?: {4}- .*\n)+/, '\n'), text.replace('needs: []', 'needs: [nowhere]'), text.replace('alias: docker', 'alias: [docker]')];
  const findings = await validateGitlabCiMany(broken);
  for (const f of findings) expect(f.length).toBeGreaterThan(0);
}, 600_000);

const fixtureRoot = join(__dirname, '../fixtures/gitlab');
function filesOf(dir: string): string[] {
  return readdirSync(dir).flatMap((n) => (statSync(join(dir, n)).isDirectory() ? filesOf(join(dir, n)) : [join(dir, n)]));
}

it('imported fixtures, emitted again, pass gitlab-ci-local --preview', async () => {
  const texts: string[] = [];
  for (const name of readdirSync(fixtureRoot).sort()) {
    if (JSON.parse(readFileSync(join(fixtureRoot, name, 'expected.json'), 'utf8')).reemitInvalid) continue;
    const paths = filesOf(join(fixtureRoot, name)).filter((f) => !f.endsWith('.json'));
    paths.sort((a, b) => (a.endsWith('input.yml') ? -1 : b.endsWith('input.yml') ? 1 : a.localeCompare(b)));
    const imported = importGitlab(paths.map((p) => ({ path: relative(fixtureRoot, p), contents: readFileSync(p, 'utf8') })));
    // Remote and template includes stay as they were; the validator runs offline and cannot fetch them.
    const { include: _include, ...vendor } = imported.pipeline.vendor?.gitlab ?? {};
    const checked = validatePipeline({ ...imported.pipeline, vendor: { ...imported.pipeline.vendor, gitlab: vendor } });
    if (!checked.pipeline) continue; // the syntax-error case has no pipeline
    texts.push(emitted(checked.pipeline));
  }
  expect(texts.length).toBeGreaterThanOrEqual(8);
  const findings = await validateGitlabCiMany(texts);
  expect(findings.filter((f) => f.length > 0)).toEqual([]);
}, 600_000);

it('a pipeline using every IR field passes gitlab-ci-local --preview', async () => {
  const checked = validatePipeline({
    name: 'every field $HOME 100%',
    env: { PRICE: 'costs $5 and ${HOME}' },
    triggers: { push: { branches: ['main', 'release/**'], tags: ['v*'] }, pullRequest: { branches: ['main'] }, schedule: [{ cron: '0 3 * * 1' }], manual: true },
    jobs: {
      lint: { stage: 'lint', runner: { tags: ['docker'] }, image: 'node:22.11-alpine', steps: [{ checkout: { depth: 1, submodules: true } }, { name: 'Lint "all"', run: 'npm ci\nnpm run lint', env: { CI: "it's" } }], artifacts: { paths: ['dist/'], expireIn: '1 week' }, cache: { key: 'npm', paths: ['.npm/'] }, timeoutMinutes: 15, retry: 2 },
      release: { needs: ['lint'], conditions: { branches: ['main'], tags: true, manual: true }, docker: { strategy: 'dind' }, services: [{ alias: 'db', image: 'postgres:16.4', env: { POSTGRES_PASSWORD: '$$x' }, command: ['postgres', '-c', 'fsync=off'], ports: [5432] }], runner: { resources: { cpu: '1', memory: '1Gi' } }, steps: [{ run: 'docker build -t app .' }] },
      after: { needs: ['release'], steps: [{ run: 'echo after' }], vendor: { gitlab: { interruptible: true, allow_failure: true } } },
    },
    vendor: { gitlab: { downstream: { stage: 'deploy', trigger: { include: 'deploy.yml' } } } },
  });
  expect(checked.pipeline).toBeDefined();
  const findings = await validateGitlabCiMany([emitted(checked.pipeline!)]);
  expect(findings).toEqual([[]]);
}, 600_000);

it('pipelines with hostile branch globs, step names/env, services, artifacts and cache pass too', async () => {
  // each file holds one rich pipeline: workflow rules are per file
  const texts = fc.sample(richArb, { numRuns: 8, seed: 99 }).map(emitted);
  const findings = await validateGitlabCiMany(texts);
  const bad = findings.flatMap((f, i) => (f.length > 0 ? [{ text: texts[i], findings: f }] : []));
  expect(bad.slice(0, 2)).toEqual([]);
}, 600_000);
