/**
 * `migrate --ts` writes TypeScript that reads back as exactly the IR it came from,
 * hostile strings included: generate, load with the CLI's own loader, compare.
 */
import fc from 'fast-check';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { comparePipelines, validatePipeline } from '@polyci/core';
import { loadConfig } from '../../packages/cli/src/load-config';
import { pipelineToTypeScript } from '../../packages/cli/src/typescript';
import { pipelineArb } from '../support/arbitraries';

describe('pipelineToTypeScript', () => {
  it('round-trips random pipelines with hostile strings through ci.config.ts (property)', () => {
    const dir = mkdtempSync(join(tmpdir(), 'polyci-ts-'));
    let n = 0;
    fc.assert(
      fc.property(pipelineArb, (pipeline) => {
        const file = join(dir, `c${n++}.ts`);
        writeFileSync(file, pipelineToTypeScript(pipeline, 'input.yml'));
        const loaded = loadConfig(file);
        expect(loaded.diagnostics).toEqual([]);
        const back = validatePipeline(loaded.config);
        expect(back.pipeline).toBeDefined();
        expect(comparePipelines(pipeline, back.pipeline!).differences).toEqual([]);
      }),
      { numRuns: 120 },
    );
  });

  it('names its source without letting a file name break out of the comment', () => {
    const { pipeline } = validatePipeline({ name: 'x', jobs: { a: { steps: [{ run: 'true' }] } } });
    for (const breakout of ['\n', '\r', '\u2028', '\u2029']) {
      const ts = pipelineToTypeScript(pipeline!, `evil${breakout}process.exit(1)//.yml`);
      expect(ts.split(/\r\n|[\n\r\u2028\u2029]/)[0]).toBe('// Migrated by polyci from evil process.exit(1)//.yml.');
    }
  });
});
