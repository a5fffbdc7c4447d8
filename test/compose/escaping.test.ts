/**
 * Escaping, as compose reads the file: for random pipelines full of hostile strings,
 * the YAML parses (1.1 and 1.2), compose's interpolation (simulated below, and
 * checked for real by docker-compose in emit.test.ts) gives back every IR string
 * exactly, and the services, steps and variables are exactly what the IR implies.
 */
import fc from 'fast-check';
import { parse } from 'yaml';
import { buildImageCommands, jobStrategy, usedBuiltins, type Pipeline } from '@polyci/core';
import { emitCompose, jobSecretNames, manualJobs, parseRunnerScript, strategyParts } from '@polyci/compose';
import { daemonReadinessWait } from '@polyci/core';
import { pipelineArb } from '../support/arbitraries';

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
    const read = parseRunnerScript(runner.command[0], [daemonReadinessWait()]);
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
