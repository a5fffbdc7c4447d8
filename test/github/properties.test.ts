/**
 * Random pipelines with hostile strings (pipelineArb): actionlint finds nothing, every
 * user string comes back exactly once GitHub's literal `${{` is un-substituted, and
 * the only expressions in the output are those polyci generated.
 */
import fc from 'fast-check';
import { buildImageCommands, daemonReadinessWait, jobStrategy, validatePipeline, type Pipeline } from '@polyci/core';
import { builtinExpressions, expressionsIn, literalExpressionOpener, unescapeExpressions } from '@polyci/github';
import { hostileString, pipelineArb } from '../support/arbitraries';
import { initActionlint, validateGithubWorkflow } from '../validators';
import { richPipelineArb } from './arbitraries';
import { allStrings, emitWorkflow, type Parsed } from './workflow';

beforeAll(() => initActionlint());

const runs = 250;

function allowedExpressions(pipeline: Pipeline): Set<string> {
  const allowed = new Set<string>([literalExpressionOpener, ...Object.values(builtinExpressions), '${{ github.run_id }}', '${{ github.run_attempt }}']);
  for (const job of Object.values(pipeline.jobs)) {
    for (const s of job.secrets) allowed.add(`\${{ secrets.${s} }}`);
    for (const step of job.steps) if ('buildImage' in step && step.buildImage.login) for (const s of [step.buildImage.login.usernameSecret, step.buildImage.login.passwordSecret]) allowed.add(`\${{ secrets.${s} }}`);
  }
  return allowed;
}

/** The IR steps as the emitted job should carry them, without polyci's scaffolding. */
function userSteps(steps: Parsed[]): Parsed[] {
  return steps.filter((s) => s.run !== daemonReadinessWait());
}

it(`random pipelines (${runs}) pass actionlint and keep every string exactly`, async () => {
  await fc.assert(
    fc.asyncProperty(pipelineArb, async (pipeline) => {
      const { doc, text, file, diagnostics } = emitWorkflow(pipeline);
      expect(diagnostics.filter((d) => d.severity === 'error')).toEqual([]);
      expect(await validateGithubWorkflow(text, file.path)).toEqual([]);

      const allowed = allowedExpressions(pipeline);
      for (const s of allStrings(doc)) for (const e of expressionsIn(s)) expect(allowed).toContain(e);

      expect(unescapeExpressions(doc.name)).toBe(pipeline.name);
      expect(Object.fromEntries(Object.entries(doc.env ?? {}).map(([k, v]) => [k, unescapeExpressions(v as string)]))).toEqual(pipeline.env);
      expect(Object.keys(doc.jobs)).toEqual(Object.keys(pipeline.jobs));
      for (const [id, job] of Object.entries(pipeline.jobs)) {
        const out = doc.jobs[id];
        if (job.name !== undefined) expect(unescapeExpressions(out.name)).toBe(job.name);
        else expect(out.name).toBeUndefined();
        for (const [k, v] of Object.entries(job.env)) expect(unescapeExpressions(out.env[k])).toBe(v);
        const expectedKeys = new Set([...Object.keys(job.env), ...job.secrets, ...Object.keys(builtinExpressions).filter((b) => b in (out.env ?? {}))]);
        expect(new Set(Object.keys(out.env ?? {}))).toEqual(expectedKeys);
        const strategy = jobStrategy(job);
        const steps = userSteps(out.steps);
        expect(steps).toHaveLength(job.steps.length);
        job.steps.forEach((step, i) => {
          const s = steps[i];
          if ('run' in step) expect(unescapeExpressions(s.run)).toBe(step.run);
          else if ('buildImage' in step) {
            const script = buildImageCommands(step.buildImage, strategy!).join('\n');
            if (strategy!.strategy === 'kaniko' || strategy!.strategy === 'buildkit') expect(unescapeExpressions(s.env.POLYCI_BUILD_SCRIPT)).toBe(script);
            else expect(unescapeExpressions(s.run)).toBe(script);
          } else if ('checkout' in step) expect(s.uses).toMatch(/^actions\/checkout@/);
          if (step.name !== undefined) expect(unescapeExpressions(s.name)).toBe(step.name);
          expect(Object.keys(s).every((k) => ['name', 'run', 'env', 'uses', 'with'].includes(k))).toBe(true);
        });
        if (job.image && !(strategy && ['buildah', 'buildkit'].includes(strategy.strategy))) expect(unescapeExpressions(out.container.image)).toBe(job.image);
        // no job is ever privileged itself, and only a DinD service is
        expect(out.container?.options ?? '').not.toContain('--privileged');
        for (const [sid, svc] of Object.entries<Parsed>(out.services ?? {})) if (String(svc.options ?? '').includes('--privileged')) expect(sid === 'docker' && ['dind', 'dind-rootless'].includes(strategy?.strategy ?? '')).toBe(true);
      }
    }),
    { numRuns: runs, seed: 20261123 },
  );
});

it('a literal ${{ in a user string never becomes an expression', () => {
  fc.assert(
    fc.property(fc.array(fc.constantFrom('${{', '}}', "'", '$', '{', '${{ github.token }}', literalExpressionOpener, 'x'), { maxLength: 12 }), (parts) => {
      const s = parts.join('');
      const escaped = allStrings({ s: s.split('${{').join(literalExpressionOpener) })[1];
      expect(unescapeExpressions(escaped)).toBe(s);
      for (const e of expressionsIn(escaped)) expect(e).toBe(literalExpressionOpener);
    }),
    { numRuns: 500 },
  );
});

it('every IR field a user writes comes back exactly, and opens no expression (200 rich pipelines)', async () => {
  await fc.assert(
    fc.asyncProperty(richPipelineArb, async (pipeline) => {
      const { doc, text, file } = emitWorkflow(pipeline);
      const labels = Object.values<Parsed>(doc.jobs).flatMap((j) => (Array.isArray(j['runs-on']) ? j['runs-on'] : [j['runs-on']]));
      expect(await validateGithubWorkflow(text, file.path, { runnerLabels: labels })).toEqual([]);
      const allowed = allowedExpressions(pipeline);
      for (const s of allStrings(doc)) for (const e of expressionsIn(s)) expect(allowed).toContain(e);
      for (const [id, job] of Object.entries(pipeline.jobs)) {
        const out = doc.jobs[id];
        expect(unescapeExpressions(out['runs-on'])).toBe(job.runner!.labels![0]);
        expect(unescapeExpressions(out.services.svc.image)).toBe(job.services[0].image);
        expect(unescapeExpressions(out.services.svc.env.SVC)).toBe(job.services[0].env!.SVC);
        const upload = out.steps.find((s: Parsed) => s.uses?.startsWith('actions/upload-artifact@'));
        expect(unescapeExpressions(upload.with.path)).toBe(job.artifacts!.paths[0]);
        const cache = out.steps.find((s: Parsed) => s.uses?.startsWith('actions/cache@'));
        expect(unescapeExpressions(cache.with.key)).toBe(job.cache!.key);
        const named = userSteps(out.steps).filter((s) => s.name !== undefined && !['Upload artifacts', 'Restore cache'].includes(s.name) && !String(s.name).startsWith('Download artifacts of '));
        for (const s of named) expect(unescapeExpressions(s.name)).toBe(job.steps[0].name);
      }
    }),
    { numRuns: 200, seed: 7 },
  );
});

it('hostile runner labels stay text (checked without actionlint, which traps on some of them)', () => {
  fc.assert(
    fc.property(pipelineArb, hostileString(), (pipeline, label) => {
      const id = Object.keys(pipeline.jobs)[0];
      const p = { ...pipeline, jobs: { ...pipeline.jobs, [id]: { ...pipeline.jobs[id], runner: { labels: [label, 'linux'] } } } };
      const { doc } = emitWorkflow(p);
      expect(doc.jobs[id]['runs-on'].map(unescapeExpressions)).toEqual([label, 'linux']);
      for (const e of expressionsIn(doc.jobs[id]['runs-on'][0])) expect(e).toBe(literalExpressionOpener);
    }),
    { numRuns: 200 },
  );
});
