/**
 * Every example, and random pipelines from pipelineArb, emitted for GitLab and checked by
 * gitlab-ci-local --preview (GitLab's CI schema plus its own structural checks).
 */
import fc from 'fast-check';
import { emitGitlab } from '@polyci/gitlab';
import { hasErrors, type Pipeline } from '@polyci/core';
import { pipelineArb } from '../support/arbitraries';
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
