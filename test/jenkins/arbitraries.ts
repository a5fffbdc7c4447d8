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
  // a job image with hostile characters: pod YAML and docker-workflow's inside() carry it as data
  hostileImage: fc.option(hostileString(), { nil: undefined, freq: 4 }),
  resources: fc.option(fc.record({ cpu: fc.constantFrom('500m', '2', undefined), memory: fc.constantFrom('512Mi', '2Gi', undefined) }), { nil: undefined }),
  strategyExtras: fc.record({
    version: fc.option(fc.constantFrom('26.1.4', '27.3.1', 'v1.2.3-debug'), { nil: undefined }),
    resources: fc.option(fc.record({ cpu: fc.constantFrom('1', '250m'), memory: fc.constantFrom('1Gi', '256Mi') }), { nil: undefined }),
    path: fc.option(fc.constantFrom('/run/user/1000/docker.sock', '/var/run/docker.sock'), { nil: undefined }),
  }),
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
      const docker = job.docker && job.docker.strategy !== 'auto' ? { ...job.docker } : undefined;
      if (docker) {
        if (x.strategyExtras.version && docker.strategy !== 'socket-proxy') Object.assign(docker, { version: x.strategyExtras.version });
        if (x.strategyExtras.resources && !['socket', 'socket-proxy'].includes(docker.strategy)) Object.assign(docker, { resources: x.strategyExtras.resources });
        if (x.strategyExtras.path && ['socket', 'socket-proxy'].includes(docker.strategy)) Object.assign(docker, { path: x.strategyExtras.path });
      }
      jobs[id] = {
        ...job,
        ...(docker ? { docker } : {}),
        ...(x.hostileImage ? { image: x.hostileImage } : {}),
        secrets: x.secrets,
        steps: x.checkout ? [{ checkout: {} }, ...steps] : steps,
        ...(x.branches || x.tags !== undefined || x.manual !== undefined ? { conditions: { branches: x.branches, tags: x.tags, manual: x.manual } } : {}),
        ...(x.timeoutMinutes ? { timeoutMinutes: x.timeoutMinutes } : {}),
        ...(x.retry !== undefined ? { retry: x.retry } : {}),
        ...(x.artifacts ? { artifacts: { paths: x.artifacts } } : {}),
        services,
        ...(x.labels || x.resources ? { runner: { ...(x.labels ? { labels: x.labels } : {}), ...(x.resources ? { resources: x.resources } : {}) } } : {}),
      };
    });
    return validatePipeline({ ...pipeline, triggers: crons ? { schedule: crons.map((cron) => ({ cron })) } : pipeline.triggers, jobs });
  })
  .filter((r): r is { pipeline: Pipeline; diagnostics: [] } => r.pipeline !== undefined)
  .map((r) => r.pipeline);
