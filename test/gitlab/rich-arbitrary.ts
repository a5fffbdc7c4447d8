/** Random pipelines with hostile strings in the fields pipelineArb leaves out: triggers, conditions, services, step names and env, artifacts, cache. */
import fc from 'fast-check';
import { validatePipeline, type Pipeline } from '@polyci/core';
import { envNameArb, hostileString, identifierArb } from '../support/arbitraries';

const globArb = hostileString();
export const richArb: fc.Arbitrary<Pipeline> = fc
  .record({
    branches: fc.array(globArb, { minLength: 1, maxLength: 3 }),
    tags: fc.array(globArb, { minLength: 1, maxLength: 2 }),
    prBranches: fc.option(fc.array(globArb, { minLength: 1, maxLength: 2 }), { nil: undefined }),
    conditionBranches: fc.array(globArb, { minLength: 1, maxLength: 2 }),
    manual: fc.boolean(),
    serviceEnv: fc.dictionary(envNameArb, hostileString(0), { maxKeys: 3 }),
    alias: identifierArb.filter((a) => a !== 'docker'),
    stepName: hostileString(),
    stepEnv: fc.dictionary(envNameArb, hostileString(0), { minKeys: 1, maxKeys: 2 }),
    script: hostileString(),
    artifact: hostileString(),
    cacheKey: hostileString().filter((k) => !/[/\\]|%2F/i.test(k) && k !== '.' && k !== '..'),
  })
  .map((r) =>
    validatePipeline({
      name: 'rich',
      triggers: { push: { branches: r.branches, tags: r.tags }, ...(r.prBranches ? { pullRequest: { branches: r.prBranches } } : {}), manual: true },
      jobs: {
        first: {
          services: [{ alias: r.alias, image: 'postgres:16.4', env: r.serviceEnv }],
          steps: [{ checkout: {} }, { name: r.stepName, run: r.script, env: r.stepEnv }],
          artifacts: { paths: [r.artifact] },
          cache: { key: r.cacheKey, paths: ['.cache/'] },
        },
        second: { needs: ['first'], conditions: { branches: r.conditionBranches, tags: true, ...(r.manual ? { manual: true } : {}) }, steps: [{ run: 'echo second' }] },
      },
    }),
  )
  .filter((r) => r.pipeline !== undefined)
  .map((r) => r.pipeline!);

