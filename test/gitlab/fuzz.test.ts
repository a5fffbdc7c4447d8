/**
 * The importer never throws and never falls back to its last-resort catch: random
 * text, random YAML-ish structures and mutated real files all come back as a pipeline
 * plus diagnostics.
 */
import fc from 'fast-check';
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { stringify } from 'yaml';
import { emitGitlab, importGitlab } from '@polyci/gitlab';
import { hostileString, pipelineArb } from '../support/arbitraries';
import { exampleNames, loadExample } from '../support/examples';

const fixtureRoot = join(__dirname, '../fixtures/gitlab');
const seeds = [
  ...readdirSync(fixtureRoot).map((d) => readFileSync(join(fixtureRoot, d, 'input.yml'), 'utf8')),
  ...exampleNames().map((n) => emitGitlab(loadExample(n), { source: 'ci.config.ts' }).files[0].contents),
];

function importsCleanly(text: string, extra: { path: string; contents: string }[] = []) {
  let result: ReturnType<typeof importGitlab> | undefined;
  expect(() => {
    result = importGitlab([{ path: '.gitlab-ci.yml', contents: text }, ...extra]);
  }).not.toThrow();
  expect(result!.pipeline).toBeDefined();
  expect(Array.isArray(result!.diagnostics)).toBe(true);
  for (const d of result!.diagnostics) {
    expect(d.message).not.toMatch(/^could not import/);
    expect(d.message).not.toMatch(/\n\s+at /);
  }
}

/** A random edit of a real file: delete, duplicate or replace a slice, or splice in hostile text. */
const mutated = fc
  .tuple(fc.constantFrom(...seeds), fc.nat(), fc.nat(), hostileString(), fc.constantFrom('delete', 'insert', 'replace', 'duplicate'))
  .map(([text, a, b, insert, op]) => {
    const i = a % (text.length + 1);
    const j = Math.min(text.length, i + (b % 40));
    if (op === 'delete') return text.slice(0, i) + text.slice(j);
    if (op === 'insert') return text.slice(0, i) + insert + text.slice(i);
    if (op === 'duplicate') return text.slice(0, j) + text.slice(i, j) + text.slice(j);
    return text.slice(0, i) + insert + text.slice(j);
  });

const gitlabKeys = ['script', 'image', 'services', 'variables', 'extends', 'include', 'needs', 'rules', 'only', 'stage', 'stages', 'default', 'retry', 'timeout', 'artifacts', 'cache', 'before_script', 'workflow', 'trigger', 'tags', 'when'];
const yamlish: fc.Arbitrary<unknown> = fc.letrec((tie) => ({
  value: fc.oneof({ depthSize: 'small' }, hostileString(0), fc.integer(), fc.boolean(), fc.constant(null), fc.array(tie('value'), { maxLength: 4 }), tie('map')),
  map: fc.dictionary(fc.oneof(fc.constantFrom(...gitlabKeys), fc.constantFrom('.tpl', 'build', 'docker', 'name', 'alias', 'local', 'if'), hostileString()), tie('value'), { maxKeys: 5 }),
})).map;

it('random text', () => {
  fc.assert(fc.property(fc.string({ maxLength: 400 }), (text) => importsCleanly(text)), { numRuns: 300 });
});

it('random bytes read as UTF-8', () => {
  fc.assert(fc.property(fc.uint8Array({ maxLength: 300 }), (bytes) => importsCleanly(Buffer.from(bytes).toString('utf8'))), { numRuns: 300 });
});

it('random GitLab-shaped structures, with includes and references', () => {
  fc.assert(
    fc.property(yamlish, yamlish, (main, included) => {
      const text = `include: other.yml\n${stringify(main)}x: !reference [build, script]\n`;
      importsCleanly(stringify(main));
      importsCleanly(text, [{ path: 'other.yml', contents: stringify(included) }]);
    }),
    { numRuns: 300 },
  );
});

it('mutated real files (fixtures and emitted examples)', () => {
  fc.assert(fc.property(mutated, (text) => importsCleanly(text)), { numRuns: 500 });
});

it('emitted random pipelines with hostile strings', () => {
  fc.assert(fc.property(pipelineArb, (p) => importsCleanly(emitGitlab(p).files[0].contents)), { numRuns: 100 });
});

it('anchors that expand exponentially and deep nesting are refused, not followed', () => {
  const lol = ['a: &a ["x","x","x","x","x","x","x","x","x"]'];
  for (let i = 1; i < 12; i++) lol.push(`${String.fromCharCode(97 + i)}: &${String.fromCharCode(97 + i)} [${Array(9).fill(`*${String.fromCharCode(96 + i)}`).join(',')}]`);
  importsCleanly(lol.join('\n'));
  importsCleanly(`${'['.repeat(5000)}${']'.repeat(5000)}`);
  importsCleanly('a:\n  extends: b\nb:\n  extends: a\n  script: x\n');
  importsCleanly('x:\n  script: !reference [x, script]\n');
});
