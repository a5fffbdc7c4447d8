/**
 * fast-check arbitraries: hostile strings, and random valid pipelines across every
 * strategy, for property tests of the emitters and importers.
 */
import fc from 'fast-check';
import { validatePipeline, type Pipeline, type PipelineInput } from '@polyci/core';

/** Strings chosen to break quoting: quotes, newlines, expressions, substitutions. */
export const hostileFragments = [
  "'", '"', '\\', '`', '$', '${', '}', '$(id)', '`id`', '${{ github.token }}', '${{', '}}', '$$', '${HOME}', '$HOME',
  "'''", '"""', '\n', '\r\n', '\t', '#', ': ', '- ', '&a', '*a', '!!str', '%', '@', '{', '[', ']', ',', '|', '>', '~', 'null', 'true',
  'yes', 'no', 'on', '0x10', '1e3', '0o7', '.inf', '<<', '---', '...', '?', '\u2028', '\u0085', '\u00a0', 'é', '😀', ' ', '  ', '\\n', '${env.X}', 'GString', "\\'", '\\$',
];

/** A string made of hostile fragments and ordinary text. */
export const hostileString = (min = 1): fc.Arbitrary<string> =>
  fc
    .array(fc.oneof(fc.constantFrom(...hostileFragments), fc.string({ minLength: 1, maxLength: 6 }), fc.constantFrom('echo', 'a', 'x y')), { minLength: min, maxLength: 8 })
    .map((parts) => parts.join(''))
    .filter((s) => s.length >= min);

/** A string safe as an identifier (job ids, aliases). */
export const identifierArb = fc.stringMatching(/^[a-z][a-z0-9_-]{0,11}$/);
/** An environment variable name. */
export const envNameArb = fc.stringMatching(/^[A-Z_][A-Z0-9_]{0,9}$/).filter((s) => !s.startsWith('POLYCI_'));
/** An image reference with a tag. */
export const imageArb = fc.tuple(fc.stringMatching(/^[a-z][a-z0-9]{0,8}$/), fc.stringMatching(/^[0-9]{1,2}\.[0-9]{1,2}$/)).map(([n, v]) => `${n}:${v}`);

const strategyArb = fc.oneof(
  fc.record({ strategy: fc.constant('dind' as const), tls: fc.boolean(), cacheVolume: fc.boolean() }),
  fc.record({ strategy: fc.constant('dind-rootless' as const), tls: fc.boolean(), cacheVolume: fc.boolean() }),
  fc.constant({ strategy: 'socket' as const }),
  fc.constant({ strategy: 'socket-proxy' as const }),
  fc.constant({ strategy: 'kaniko' as const }),
  fc.constant({ strategy: 'buildah' as const }),
  fc.constant({ strategy: 'buildkit' as const }),
);

const buildArb = fc.record({
  tags: fc.array(hostileString(), { minLength: 1, maxLength: 2 }),
  push: fc.boolean(),
  target: fc.option(hostileString(), { nil: undefined }),
  buildArgs: fc.dictionary(envNameArb, hostileString(0), { maxKeys: 2 }),
  labels: fc.dictionary(fc.stringMatching(/^[a-z][a-z.]{0,8}$/), hostileString(0), { maxKeys: 2 }),
});

/**
 * A random valid pipeline: 1-4 jobs in a DAG, every strategy, hostile strings in
 * names, env values, commands, tags and build args. Steps that call docker only go
 * to daemon strategies, so every generated pipeline validates.
 */
export const pipelineArb: fc.Arbitrary<Pipeline> = fc
  .record({
    name: hostileString(),
    env: fc.dictionary(envNameArb, hostileString(0), { maxKeys: 3 }),
    jobs: fc.array(
      fc.record({
        id: identifierArb,
        name: fc.option(hostileString(), { nil: undefined }),
        env: fc.dictionary(envNameArb, hostileString(0), { maxKeys: 3 }),
        commands: fc.array(hostileString(), { minLength: 1, maxLength: 3 }),
        strategy: fc.option(strategyArb, { nil: undefined }),
        build: fc.option(buildArb, { nil: undefined }),
        image: fc.option(imageArb, { nil: undefined }),
      }),
      { minLength: 1, maxLength: 4 },
    ),
  })
  .map((raw) => {
    const jobs: PipelineInput['jobs'] = {};
    const ids: string[] = [];
    for (const j of raw.jobs) {
      if (ids.includes(j.id)) continue;
      const daemonless = j.strategy && ['kaniko', 'buildah', 'buildkit'].includes(j.strategy.strategy);
      const steps: NonNullable<PipelineInput['jobs'][string]['steps']> = j.commands
        .map((c) => (daemonless ? c.replace(/docker/g, 'dock') : c))
        .filter((c) => c.length > 0)
        .map((run) => ({ run }));
      if (j.build && j.strategy) steps.push({ buildImage: j.build });
      if (steps.length === 0) steps.push({ run: 'true' });
      jobs[j.id] = {
        ...(j.name ? { name: j.name } : {}),
        env: j.env,
        needs: ids.length > 0 ? [ids[ids.length - 1]] : [],
        ...(j.image ? { image: j.image } : {}),
        ...(j.strategy ? { docker: j.strategy } : {}),
        steps,
      };
      ids.push(j.id);
    }
    return validatePipeline({ name: raw.name.slice(0, 200), env: raw.env, jobs });
  })
  .filter((r): r is { pipeline: Pipeline; diagnostics: [] } => r.pipeline !== undefined)
  .map((r) => r.pipeline);
