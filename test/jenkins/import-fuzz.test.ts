/**
 * The importer never throws: random text, random Groovy-ish token soup, and valid
 * Jenkinsfiles (fixtures, emitted examples) with random cuts and insertions all come
 * back as a pipeline and diagnostics, every diagnostic with a code and, when it is
 * about the file, a line and column inside it.
 */
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import fc from 'fast-check';
import { compile, type Diagnostic } from '@polyci/core';
import { jenkinsTarget } from '@polyci/jenkins';
import { importJenkinsfiles } from '../../packages/jenkins/src/import';
import { exampleNames, loadExample } from '../support/examples';

const runs = Number(process.env.FUZZ_RUNS ?? 300);
const fixtures = join(__dirname, '../fixtures/jenkins');
const valid: string[] = [
  ...readdirSync(fixtures).map((name) => readFileSync(join(fixtures, name, 'Jenkinsfile'), 'utf8')),
  ...exampleNames().flatMap((name) => compile(loadExample(name), [jenkinsTarget], { source: 'ci.config.ts' }).files.map((f) => f.file.contents)),
];

function lineCount(text: string): number {
  return text.split(/\r\n|\r|\n/).length;
}

function check(text: string): Diagnostic[] {
  let result: ReturnType<typeof importJenkinsfiles> | undefined;
  expect(() => {
    result = importJenkinsfiles([{ path: 'ci/Jenkinsfile', contents: text }]);
  }).not.toThrow();
  expect(result!.pipeline).toBeDefined();
  expect(Array.isArray(result!.diagnostics)).toBe(true);
  for (const d of result!.diagnostics) {
    expect(d.code).toMatch(/^PCI0\d\d$/);
    expect(typeof d.message).toBe('string');
    expect(d.message).not.toMatch(/\n\s+at /);
    if (d.code === 'PCI040' || d.code === 'PCI041' || d.code === 'PCI042' || d.code === 'PCI044') {
      expect(d.file).toBe('ci/Jenkinsfile');
      expect(d.line).toBeGreaterThanOrEqual(1);
      expect(d.line).toBeLessThanOrEqual(lineCount(text) + 1);
      expect(d.column).toBeGreaterThanOrEqual(1);
    }
  }
  return result!.diagnostics;
}

const groovyBits = fc.constantFrom(
  'pipeline', 'stage(', "'x'", '"${', '}', '{', ')', '(', '[', ']', ':', ',', '\n', ' ', 'sh ', "'''", '"""', '/', '//', '/*', '*/', '$', '\\', 'agent', 'any', 'steps', 'stages',
  'docker.image(', ').withRun(', 'c ->', 'yaml', 'kubernetes', 'environment', '=', 'credentials(', 'when', 'branch', 'parallel', 'script', '@Library', 'def ', 'if (', 'else', 'try', 'catch', '.', '?:', '<<', '++', '-', '!',
);

it('survives random text', () => {
  fc.assert(fc.property(fc.oneof(fc.string({ maxLength: 300 }), fc.fullUnicodeString({ maxLength: 120 })), (text) => void check(text)), { numRuns: runs });
});

it('survives Groovy-looking token soup', () => {
  fc.assert(fc.property(fc.array(groovyBits, { maxLength: 80 }), (bits) => void check(bits.join(''))), { numRuns: runs });
});

it('survives valid Jenkinsfiles with random cuts and insertions', () => {
  fc.assert(
    fc.property(fc.nat(valid.length - 1), fc.nat(), fc.nat(60), fc.oneof(fc.string({ maxLength: 12 }), groovyBits), (which, at, cut, insert) => {
      const text = valid[which];
      const i = at % (text.length + 1);
      check(text.slice(0, i) + insert + text.slice(i + cut));
    }),
    { numRuns: runs },
  );
});

it('reports every syntax error as PCI040 at a position inside the file', () => {
  fc.assert(
    fc.property(fc.nat(valid.length - 1), fc.nat(), fc.constantFrom('{', '(', "'", '"', '"""', '[', ')'), (which, at, insert) => {
      const text = valid[which];
      const i = at % (text.length + 1);
      const broken = text.slice(0, i) + insert + text.slice(i);
      const errors = check(broken).filter((d) => d.code === 'PCI040');
      for (const e of errors) expect(e.severity).toBe('error');
    }),
    { numRuns: 100 },
  );
});

it('survives deep nesting and long inputs without a stack overflow escaping', () => {
  for (const text of ['('.repeat(20000), '{'.repeat(20000), `pipeline { ${'stages { stage("x") { '.repeat(3000)}`, `x = ${'['.repeat(10000)}`]) {
    expect(check(text).filter((d) => d.severity === 'error').map((d) => d.code)).toEqual(['PCI040']);
  }
  const long = `pipeline { agent any; stages { stage('x') { steps { sh '${'a'.repeat(200000)}' } } } }`;
  expect(check(long).filter((d) => d.severity === 'error')).toEqual([]);
});
