/**
 * Random pipelines for the Jenkins emitter: test/support's pipelineArb, with the
 * fields it leaves out filled in with hostile strings (stage conditions, secrets,
 * services, step names and env, artifacts, schedules, labels, timeouts).
 */
import fc from 'fast-check';
import { validatePipeline, type Pipeline } from '@polyci/core';
import { envNameArb, hostileString, imageArb, pipelineArb } from '../support/arbitraries';

const extrasArb = fc.record({
  secrets: fc.uniqueArray(envNameArb, { maxLength: 2 }),
  branches: fc.option(fc.array(hostileString(), { minLength: 1, maxLength: 2 }), { nil: undefined }),
  tags: fc.option(fc.boolean(), { nil: undefined }),
  manual: fc.option(fc.boolean(), { nil: undefined }),
  timeoutMinutes: fc.option(fc.integer({ min: 1, max: 600 }), { nil: undefined }),
  retry: fc.option(fc.integer({ min: 0, max: 2 }), { nil: undefined }),
  artifacts: fc.option(fc.array(hostileString().filter((s) => !s.includes(',')), { minLength: 1, maxLength: 2 }), { nil: undefined }),
  services: fc.array(
    fc.record({
      alias: fc.stringMatching(/^[a-z][a-z0-9_-]{0,8}$/).filter((a) => a !== 'dind' && a !== 'socket-proxy'),
      image: imageArb,
      env: fc.dictionary(envNameArb, hostileString(0), { maxKeys: 2 }),
      command: fc.option(fc.array(hostileString(0), { maxLength: 2 }), { nil: undefined }),
    }),
    { maxLength: 2 },
  ),
  stepName: fc.option(hostileString(), { nil: undefined }),
  stepEnv: fc.dictionary(envNameArb, hostileString(0), { maxKeys: 2 }),
  labels: fc.option(fc.array(hostileString(), { minLength: 1, maxLength: 2 }), { nil: undefined }),
  checkout: fc.boolean(),
});

/** A checked pipeline with hostile strings in every place the Jenkinsfile carries them. */
export const jenkinsPipelineArb: fc.Arbitrary<Pipeline> = fc
  .tuple(pipelineArb, fc.array(extrasArb, { minLength: 4, maxLength: 4 }), fc.option(fc.array(fc.tuple(hostileString(), hostileString()).map(([a, b]) => `${a.replace(/\s/g, '')}x H * * ${b.replace(/\s/g, '')}x`), { maxLength: 2 }), { nil: undefined }))
  .map(([pipeline, extras, crons]) => {
    const jobs: Record<string, unknown> = {};
    Object.entries(pipeline.jobs).forEach(([id, job], i) => {
      const x = extras[i];
      const steps = job.steps.map((s, k) => (k === 0 && 'run' in s ? { ...s, ...(x.stepName ? { name: x.stepName } : {}), env: x.stepEnv } : s));
      const services = [...new Map(x.services.map((s) => [s.alias, s])).values()];
      jobs[id] = {
        ...job,
        secrets: x.secrets,
        steps: x.checkout ? [{ checkout: {} }, ...steps] : steps,
        ...(x.branches || x.tags !== undefined || x.manual !== undefined ? { conditions: { branches: x.branches, tags: x.tags, manual: x.manual } } : {}),
        ...(x.timeoutMinutes ? { timeoutMinutes: x.timeoutMinutes } : {}),
        ...(x.retry !== undefined ? { retry: x.retry } : {}),
        ...(x.artifacts ? { artifacts: { paths: x.artifacts } } : {}),
        services,
        ...(x.labels ? { runner: { labels: x.labels } } : {}),
      };
    });
    return validatePipeline({ ...pipeline, triggers: crons ? { schedule: crons.map((cron) => ({ cron })) } : pipeline.triggers, jobs });
  })
  .filter((r): r is { pipeline: Pipeline; diagnostics: [] } => r.pipeline !== undefined)
  .map((r) => r.pipeline);
