/**
 * Every importer, fed random text and mutated real files (the committed example
 * outputs), returns diagnostics and never throws. `npm run fuzz` runs this with
 * many more cases (FUZZ_RUNS).
 */
import fc from 'fast-check';
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { allTargets } from '../../packages/cli/src/targets';

const runs = Number(process.env.FUZZ_RUNS ?? 100);
const examples = resolve(__dirname, '../../examples');

function outputsOf(id: string): { path: string; contents: string }[] {
  const target = allTargets.find((t) => t.id === id)!;
  const found: { path: string; contents: string }[] = [];
  const walk = (d: string) => {
    for (const name of readdirSync(d)) {
      const p = join(d, name);
      if (statSync(p).isDirectory()) walk(p);
      else if (!p.endsWith('.ts')) {
        const contents = readFileSync(p, 'utf8');
        if (target.detect(p.slice(examples.length + 1).replace(/^[^/]+\//, ''), contents)) found.push({ path: p.slice(examples.length + 1).replace(/^[^/]+\//, ''), contents });
      }
    }
  };
  walk(examples);
  return found;
}

describe.each(allTargets.filter((t) => t.import).map((t) => t.id))('%s importer fuzz', (id) => {
  const target = allTargets.find((t) => t.id === id)!;
  const seeds = outputsOf(id);
  const pathOf = seeds[0]?.path ?? 'input';

  const importNeverThrows = (contents: string) => {
    const result = target.import!([{ path: pathOf, contents }]);
    expect(Array.isArray(result.diagnostics)).toBe(true);
    for (const d of result.diagnostics) expect(typeof d.message).toBe('string');
  };

  it('has real files to mutate', () => {
    expect(seeds.length).toBeGreaterThan(0);
  });

  it('survives random text', () => {
    fc.assert(fc.property(fc.oneof(fc.string({ maxLength: 300 }), fc.fullUnicodeString({ maxLength: 100 })), importNeverThrows), { numRuns: runs });
  });

  it('survives mutated real files', () => {
    fc.assert(
      fc.property(fc.nat(Math.max(0, seeds.length - 1)), fc.nat(), fc.nat(40), fc.oneof(fc.string({ maxLength: 20 }), fc.constantFrom('\n', ':', '- ', '{', '[', '"', "'", '&a', '*a', '<<: *a', '!reference [x]', '${{', 'stage(', '}', '\t')), (which, at, cut, insert) => {
        const text = seeds[which].contents;
        const i = at % (text.length + 1);
        importNeverThrows(text.slice(0, i) + insert + text.slice(i + cut));
      }),
      { numRuns: runs },
    );
  });
});
