/**
 * import(emit(example)) gives the example's IR back, modulo what GitLab cannot say
 * (listed here, each with why).
 */
import fc from 'fast-check';
import { buildImageCommands, comparePipelines, jobStrategy, type Pipeline } from '@polyci/core';
import { emitGitlab, importGitlab } from '@polyci/gitlab';
import { pipelineArb } from '../support/arbitraries';
import { exampleNames, loadExample } from '../support/examples';

/**
 * IR paths a .gitlab-ci.yml does not carry: none. What GitLab keeps in the runner or the
 * project (cacheVolume, the socket path, secrets, crons) rides in the `# polyci-meta:` comment.
 */
export const notExpressible: string[] = [];

/** `$NAME` and `${NAME}` are one shell reference; builder commands always spell the second. */
function braced(value: unknown): unknown {
  if (typeof value === 'string') return value.replace(/\$([A-Za-z_][A-Za-z0-9_]*)/g, '${$1}');
  if (Array.isArray(value)) return value.map(braced);
  if (value && typeof value === 'object') return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, braced(v)]));
  return value;
}

/** The IR as GitLab can carry it: what the emitter reports and drops, removed (each has a diagnostic). */
function expressible(ir: Pipeline): Pipeline {
  const jobs = Object.fromEntries(
    Object.entries(ir.jobs).map(([id, job]) => {
      const s = jobStrategy(job);
      // a daemonless builder's image replaces job.image (PCI031)
      const dropImage = s !== undefined && ['kaniko', 'buildah', 'buildkit'].includes(s.strategy);
      // kaniko always names the Dockerfile: with context "." the default and "Dockerfile" are one command
      const steps = job.steps.map((step) =>
        // core writes buildctl's CSV --output in which a tag holding , or " is ambiguous (reported):
        // such a command cannot be read back as a build, so it comes back as the run step it is
        s?.strategy === 'buildkit' && 'buildImage' in step && step.buildImage.tags.some((t) => /[,"]/.test(t))
          ? { ...(step.name !== undefined ? { name: step.name } : {}), run: buildImageCommands(step.buildImage, s).join('\n') }
          : s?.strategy === 'kaniko' && 'buildImage' in step && step.buildImage.context === '.' && step.buildImage.dockerfile === undefined
          ? { ...step, buildImage: braced({ ...step.buildImage, dockerfile: 'Dockerfile' }) }
          : 'buildImage' in step
            ? { ...step, buildImage: braced(step.buildImage) }
            : step,
      );
      return [id, { ...job, steps, ...(dropImage ? { image: undefined } : {}) }];
    }),
  );
  return { ...ir, jobs } as Pipeline;
}

/** Where the expected side holds an ambiguous buildctl command as a run step, read the actual build as its commands too. */
function alignAmbiguousBuilds(expected: Pipeline, actual: Pipeline): Pipeline {
  const jobs = Object.fromEntries(
    Object.entries(actual.jobs).map(([id, job]) => {
      const s = jobStrategy(job);
      const steps = job.steps.map((step, i) => {
        const want = expected.jobs[id]?.steps[i];
        if (s?.strategy !== 'buildkit' || !want || !('run' in want) || !('buildImage' in step)) return step;
        return { ...(step.name !== undefined ? { name: step.name } : {}), run: buildImageCommands(step.buildImage, s).join('\n') };
      });
      return [id, { ...job, steps }];
    }),
  );
  return { ...actual, jobs } as Pipeline;
}

describe.each(exampleNames())('%s', (name) => {
  it('round-trips through .gitlab-ci.yml', () => {
    const ir = loadExample(name);
    const text = emitGitlab(ir, { source: 'ci.config.ts' }).files[0].contents;
    const back = importGitlab([{ path: '.gitlab-ci.yml', contents: text }]);
    expect(back.diagnostics.filter((d) => d.severity === 'error')).toEqual([]);
    const { differences } = comparePipelines(ir, back.pipeline, notExpressible);
    expect(differences).toEqual([]);
  });
});

it('random pipelines with hostile strings round-trip too', () => {
  fc.assert(
    fc.property(pipelineArb, (ir) => {
      const text = emitGitlab(ir, { source: 'ci.config.ts' }).files[0].contents;
      const back = importGitlab([{ path: '.gitlab-ci.yml', contents: text }]);
      expect(back.diagnostics.filter((d) => d.severity === 'error')).toEqual([]);
      const expected = expressible(ir);
      expect(comparePipelines(expected, alignAmbiguousBuilds(expected, back.pipeline), notExpressible).differences).toEqual([]);
    }),
    { numRuns: 200, seed: 11 },
  );
});
