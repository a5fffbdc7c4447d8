/**
 * The importer never throws: random text, random YAML-shaped data with Buildkite's
 * keys, and mutated real pipelines all come back as a pipeline plus diagnostics.
 */
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import fc from 'fast-check';
import { stringify } from 'yaml';
import { importBuildkite } from '@polyci/buildkite';

const fixtures = join(__dirname, '../fixtures/buildkite');
const inputs = readdirSync(fixtures, { withFileTypes: true })
  .filter((d) => d.isDirectory())
  .map((d) => readFileSync(join(fixtures, d.name, 'input.yml'), 'utf8'));

function importsCleanly(contents: string): void {
  let result: ReturnType<typeof importBuildkite> | undefined;
  expect(() => (result = importBuildkite([{ path: '.buildkite/pipeline.yml', contents }]))).not.toThrow();
  expect(typeof result!.pipeline.name).toBe('string');
  expect(Array.isArray(result!.diagnostics)).toBe(true);
  for (const d of result!.diagnostics) {
    expect(d.code).toMatch(/^PCI0\d\d$/);
    expect(d.message).not.toContain('importer failed');
    if (d.code === 'PCI040') expect(d.line).toBeGreaterThan(0);
  }
}

const stepKeys = ['label', 'key', 'id', 'command', 'commands', 'env', 'agents', 'branches', 'if', 'retry', 'timeout_in_minutes', 'depends_on', 'plugins', 'wait', 'block', 'input', 'trigger', 'group', 'steps', 'secrets', 'artifact_paths', 'image'];
const pluginKeys = ['podSpec', 'sidecars', 'extraVolumeMounts', 'gitEnvFrom', 'checkout', 'metadata', 'podSpecPatch', 'mirrorVolumeMounts', 'containers', 'volumes', 'env', 'image', 'volumeMounts', 'resources'];
const value: fc.Arbitrary<unknown> = fc.letrec((tie) => ({
  node: fc.oneof(
    { depthSize: 'small' },
    fc.string(),
    fc.integer(),
    fc.boolean(),
    fc.constant(null),
    fc.constantFrom('wait', 'docker:dind', '', '$$X', '${BUILDKITE_COMMIT}', 'build.tag != null'),
    fc.array(tie('node'), { maxLength: 3 }),
    fc.dictionary(fc.constantFrom(...stepKeys, ...pluginKeys, 'kubernetes', 'docker#v5.12.0', 'docker-compose#v5'), tie('node'), { maxKeys: 4 }),
  ),
})).node;

describe('importer fuzzing', () => {
  it('random text never makes it throw', () => {
    fc.assert(fc.property(fc.string({ maxLength: 400 }), importsCleanly), { numRuns: 300, seed: 11 });
  });

  it('random Buildkite-shaped documents never make it throw', () => {
    fc.assert(
      fc.property(fc.array(value, { maxLength: 4 }), fc.option(value), (steps, env) => importsCleanly(stringify({ env, steps }))),
      { numRuns: 400, seed: 12 },
    );
  });

  it('mutated real pipelines never make it throw', () => {
    const mutation = fc.tuple(fc.constantFrom(...inputs), fc.array(fc.tuple(fc.nat(), fc.constantFrom('delete', 'duplicate', 'insert', 'truncate', 'indent')), { minLength: 1, maxLength: 4 }), fc.string({ maxLength: 6 }));
    fc.assert(
      fc.property(mutation, ([input, edits, junk]) => {
        let lines = input.split('\n');
        for (const [at, edit] of edits) {
          const i = at % lines.length;
          if (edit === 'delete') lines.splice(i, 1);
          else if (edit === 'duplicate') lines.splice(i, 0, lines[i]);
          else if (edit === 'insert') lines[i] = `${lines[i].slice(0, at % 7)}${junk}${lines[i].slice(at % 7)}`;
          else if (edit === 'indent') lines[i] = ` ${lines[i]}`;
          else lines = lines.slice(0, i + 1);
          if (lines.length === 0) lines = [''];
        }
        importsCleanly(lines.join('\n'));
      }),
      { numRuns: 400, seed: 13 },
    );
  });

  it('a syntax error is PCI040 with its line and column', () => {
    const r = importBuildkite([{ path: '.buildkite/pipeline.yml', contents: 'steps:\n  - command: [unclosed\n  - wait\n' }]);
    const error = r.diagnostics.find((d) => d.code === 'PCI040');
    expect(error).toEqual(expect.objectContaining({ severity: 'error', file: '.buildkite/pipeline.yml' }));
    expect(error!.line).toBeGreaterThanOrEqual(2);
    expect(error!.column).toBeGreaterThan(0);
  });
});
