/**
 * The config loader never throws and never writes outside its cache, whatever
 * the file holds: random text, mutated valid configs, hostile exports.
 */
import fc from 'fast-check';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { validatePipeline } from '@polyci/core';
import { loadConfig } from '../../packages/cli/src/load-config';

const dir = mkdtempSync(join(tmpdir(), 'polyci-fuzz-'));
let n = 0;
function load(source: string) {
  const file = join(dir, `c${n++}.ts`);
  writeFileSync(file, source);
  const loaded = loadConfig(file);
  return loaded.config === undefined ? loaded.diagnostics : validatePipeline(loaded.config).diagnostics;
}

const valid = `import { defineConfig, docker, run } from '@polyci/core';\nexport default defineConfig({ name: 'x', jobs: { build: { docker: docker.dind(), steps: [run('docker build .')] } } });\n`;

describe('config loader fuzz', () => {
  it('returns diagnostics, never throws, on random text', () => {
    fc.assert(
      fc.property(fc.string({ maxLength: 200 }), (text) => {
        expect(Array.isArray(load(text))).toBe(true);
      }),
      { numRuns: Number(process.env.FUZZ_RUNS ?? 150) },
    );
  });

  it('returns diagnostics, never throws, on mutated valid configs', () => {
    fc.assert(
      fc.property(fc.nat(valid.length), fc.nat(20), fc.string({ maxLength: 12 }), (at, cut, insert) => {
        expect(Array.isArray(load(valid.slice(0, at) + insert + valid.slice(at + cut)))).toBe(true);
      }),
      { numRuns: Number(process.env.FUZZ_RUNS ?? 150) },
    );
  });

  it('handles hostile exports: getters that throw, cycles, prototype keys', () => {
    const cases = [
      `export default { get name() { throw new Error('getter'); }, jobs: {} };`,
      `const a: any = { name: 'x' }; a.jobs = { j: { steps: [a] } }; export default a;`,
      `export default JSON.parse('{"name":"x","__proto__":{"polluted":1},"jobs":{"a":{"steps":[{"run":"x"}]}}}');`,
      `export default () => { throw 42; };`,
      `export default Symbol('x');`,
      `export default new Proxy({}, { get() { throw new Error('proxy'); } });`,
    ];
    for (const c of cases) {
      const diagnostics = load(c);
      expect(diagnostics.length).toBeGreaterThan(0);
      expect(diagnostics.some((d) => d.severity === 'error')).toBe(true);
    }
    expect(({} as Record<string, unknown>).polluted).toBeUndefined();
  });
});
