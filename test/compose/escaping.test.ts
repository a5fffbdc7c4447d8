/**
 * Escaping, as compose reads the file: for random pipelines full of hostile strings,
 * the YAML parses (1.1 and 1.2), compose's interpolation (simulated below, and
 * checked for real by docker-compose in emit.test.ts) gives back every IR string
 * exactly, and the services, steps and variables are exactly what the IR implies.
 */
import fc from 'fast-check';
import { parse } from 'yaml';
import { buildImageCommands, jobStrategy, usedBuiltins, validatePipeline, type Pipeline } from '@polyci/core';
import { emitCompose, jobSecretNames, manualJobs, parseRunnerScript, readinessWaits, strategyParts } from '@polyci/compose';
import { envNameArb, hostileString, pipelineArb } from '../support/arbitraries';
import { validateCompose } from '../validators';

/**
 * Compose's interpolation: `$$` is `$`, `${NAME}`, `${NAME:-default}` and `$NAME` take
 * the environment, anything else after `$` is an error (docker-compose 1.29 refuses
 * the file). https://docs.docker.com/reference/compose-file/interpolation/
 */
function interpolate(s: string, env: Record<string, string> = {}): string {
  let out = '';
  for (let i = 0; i < s.length; i++) {
    if (s[i] !== '$') {
      out += s[i];
      continue;
    }
    const rest = s.slice(i + 1);
    if (rest.startsWith('$')) {
      out += '$';
      i++;
      continue;
    }
    const braced = /^\{([A-Za-z_][A-Za-z0-9_]*)(?::?-([^}]*))?\}/.exec(rest);
    const bare = /^[A-Za-z_][A-Za-z0-9_]*/.exec(rest);
    if (braced) {
      out += env[braced[1]] ?? braced[2] ?? '';
      i += braced[0].length;
    } else if (bare) {
      out += env[bare[0]] ?? '';
      i += bare[0].length;
    } else throw new Error(`invalid interpolation at ${i} in ${JSON.stringify(s)}`);
  }
  return out;
}

/** Every string of a parsed document, interpolated (throws on invalid interpolation). */
function interpolateAll(value: unknown): unknown {
  if (typeof value === 'string') return interpolate(value);
  if (Array.isArray(value)) return value.map(interpolateAll);
  if (value && typeof value === 'object') return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, interpolateAll(v)]));
  return value;
}

function expectMeaning(pipeline: Pipeline, text: string, version: '1.1' | '1.2') {
  const raw = parse(text, { version }) as any;
  const doc = interpolateAll(raw) as any;
  expect(doc['x-polyci'].name).toBe(pipeline.name);
  expect(doc['x-polyci'].env ?? {}).toEqual(pipeline.env);
  const expectedServices: string[] = [];
  const manual = manualJobs(pipeline);
  for (const [id, job] of Object.entries(pipeline.jobs)) {
    const strategy = jobStrategy(job);
    const parts = strategyParts(id, strategy);
    expectedServices.push(id, ...(parts?.daemon ? [parts.daemon.name] : []), ...job.services.map((s) => `${id}.${s.alias}`));
    const runner = doc.services[id];
    expect(runner.labels?.['polyci.name']).toBe(job.name);
    expect(runner.profiles).toEqual(manual.has(id) ? ['manual'] : undefined);
    // the environment is exactly: strategy, pipeline, job, used builtins (from the developer's shell), secrets (passed through)
    const env: Record<string, string | null> = { ...(parts?.runnerEnv ?? {}), ...pipeline.env, ...job.env };
    for (const b of usedBuiltins(pipeline, job)) env[b] = 'local';
    for (const s of jobSecretNames(job)) env[s] = null;
    expect(runner.environment ?? {}).toEqual(env);
    expect(runner.entrypoint).toEqual(['sh', '-ec']);
    expect(runner.command).toHaveLength(1);
    const read = parseRunnerScript(runner.command[0], readinessWaits);
    expect(read).toBeDefined();
    expect(read!.prelude).toEqual(parts?.prelude ?? []);
    const expectedSteps = job.steps.map((s) => {
      const named = s.name !== undefined ? { name: s.name } : {};
      if ('checkout' in s) return { ...named, checkout: true };
      if ('run' in s) return { ...named, body: s.run, env: s.env ?? {} };
      if ('buildImage' in s) return { ...named, body: buildImageCommands(s.buildImage, strategy!).join('\n'), env: {} };
      throw new Error('vendor steps are not generated');
    });
    expect(read!.steps).toEqual(expectedSteps);
    expect(Object.keys(runner.depends_on ?? {}).filter((d) => pipeline.jobs[d])).toEqual(job.needs);
  }
  expect(Object.keys(doc.services).sort()).toEqual(expectedServices.sort());
}

describe('escaping and meaning of random pipelines', () => {
  it('every IR string comes back exactly through YAML and compose interpolation (300 runs)', () => {
    fc.assert(
      fc.property(pipelineArb, (pipeline) => {
        const r = emitCompose(pipeline, { source: 'ci.config.ts' });
        expect(r.diagnostics.filter((d) => d.severity === 'error')).toEqual([]);
        const text = r.files[0].contents;
        expectMeaning(pipeline, text, '1.2');
        expectMeaning(pipeline, text, '1.1');
      }),
      { numRuns: 300, seed: 7 },
    );
  });

  it('the interpolation check can fail: an unescaped $ is caught', () => {
    expect(() => interpolate('a ${ b')).toThrow();
    expect(interpolate('a $$HOME ${X:-d}')).toBe('a $HOME d');
  });
});

/** What pipelineArb leaves out: hostile step names, step env, services, secrets, job names, manual jobs. */
const richPipelineArb = fc
  .record({
    name: hostileString(),
    jobName: hostileString(),
    stepName: hostileString(),
    stepEnv: fc.dictionary(envNameArb, hostileString(0), { maxKeys: 2 }),
    run: hostileString(),
    serviceEnv: fc.dictionary(envNameArb, hostileString(0), { maxKeys: 2 }),
    serviceCommand: fc.array(hostileString(0), { maxLength: 3 }),
    secrets: fc.uniqueArray(envNameArb, { maxLength: 2 }),
    strategy: fc.constantFrom('dind', 'socket-proxy', 'kaniko', undefined),
    manual: fc.boolean(),
  })
  .map((r) =>
    validatePipeline({
      name: r.name.slice(0, 200),
      jobs: {
        first: {
          name: r.jobName.slice(0, 200),
          secrets: r.secrets,
          services: [{ alias: 'db', image: 'postgres:16.4', env: r.serviceEnv, command: r.serviceCommand, ports: [5432] }],
          ...(r.strategy ? { docker: { strategy: r.strategy } } : {}),
          steps: [{ checkout: {}, name: r.stepName.slice(0, 200) }, { run: r.strategy === 'kaniko' ? r.run.replace(/docker/g, 'dock') : r.run, env: r.stepEnv, name: r.stepName.slice(0, 200) }],
        },
        second: { needs: ['first'], conditions: { manual: r.manual }, steps: [{ run: r.run.replace(/docker/g, 'dock') }] },
      },
    }),
  )
  .filter((r): r is { pipeline: Pipeline; diagnostics: [] } => r.pipeline !== undefined)
  .map((r) => r.pipeline);

describe('escaping of the rest of the IR', () => {
  it('step names and env, services, secrets and job names come back exactly (200 runs)', () => {
    fc.assert(
      fc.property(richPipelineArb, (pipeline) => {
        const r = emitCompose(pipeline, { source: 'ci.config.ts' });
        expect(r.diagnostics.filter((d) => d.severity === 'error')).toEqual([]);
        const text = r.files[0].contents;
        expectMeaning(pipeline, text, '1.2');
        const doc = interpolateAll(parse(text)) as any;
        const svc = pipeline.jobs.first.services[0];
        expect(doc.services['first.db']).toMatchObject({ image: svc.image, networks: { first: { aliases: ['db'] } } });
        expect(doc.services['first.db'].environment ?? {}).toEqual(svc.env);
        expect(doc.services['first.db'].command ?? []).toEqual(svc.command ?? []);
        expect(doc.services.first.depends_on['first.db']).toEqual({ condition: 'service_started' });
        expect(doc.services.second.profiles).toEqual(pipeline.jobs.second.conditions?.manual ? ['manual'] : undefined);
      }),
      { numRuns: 200, seed: 19 },
    );
  });

  it('and docker-compose accepts them (40 pipelines, one batched file)', async () => {
    const samples = fc.sample(richPipelineArb, { numRuns: 40, seed: 23 });
    const jobs: Pipeline['jobs'] = {};
    samples.forEach((p, i) => {
      for (const [id, job] of Object.entries(p.jobs)) jobs[`p${i}_${id}`] = { ...job, needs: job.needs.map((n) => `p${i}_${n}`) };
    });
    const text = emitCompose({ ...samples[0], jobs }, {}).files[0].contents;
    expect(await validateCompose(text)).toEqual([]);
  });
});
