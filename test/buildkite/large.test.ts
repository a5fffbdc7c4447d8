/**
 * A pipeline with more steps than the emitter writes in one batch: the text must be
 * what one toYaml of the whole document writes, with groups, block steps and vendor
 * steps falling on either side of a batch boundary.
 */
import { parse } from 'yaml';
import { toYaml, type Pipeline, type PipelineInput } from '@polyci/core';
import { checked } from '../support/large';
import { emitBuildkite } from '@polyci/buildkite';

function largePipeline(jobs: number): Pipeline {
  const input: PipelineInput = {
    name: 'large',
    env: { TZ: 'UTC', PRICE: '$5' },
    vendor: { buildkite: { steps: ['wait', { command: 'echo $$done', key: 'tail' }] } },
    jobs: {},
  };
  for (let i = 0; i < jobs; i++) {
    const id = `j${i}`;
    // a group that is the last step of the first batch (200 steps) and grows after it, and two two-job groups in a row
    const group = i >= 199 && i < 225 ? 'around $boundary' : i >= 300 && i < 302 ? 'pair' : i >= 302 && i < 304 ? 'pair 2' : undefined;
    input.jobs[id] = {
      name: `job ${i} costs $${i}`,
      image: 'node:22',
      needs: i > 0 && i % 50 === 0 ? [`j${i - 1}`] : [],
      env: { N: `${i}`, REF: i % 7 === 0 ? '${POLYCI_BRANCH}-$HOME' : 'plain' },
      ...(i > 250 && i % 97 === 5 ? { conditions: { manual: true } } : {}),
      ...(group ? { vendor: { buildkite: { group } } } : {}),
      steps: [{ name: 'Test', run: `echo "$${i}"\nnpm test -- --shard=${i}` }],
    };
  }
  return checked(input);
}

describe('a pipeline larger than one batch of steps', () => {
  const pipeline = largePipeline(450);
  const result = emitBuildkite(pipeline, { source: 'ci.config.ts' });
  const text = result.files[0].contents;
  const doc = parse(text);

  it('is the text of one toYaml of the whole document', () => {
    expect(result.diagnostics.filter((d) => d.severity === 'error')).toEqual([]);
    const yamlStart = text.indexOf('\nenv:') + 1;
    expect(text.slice(yamlStart)).toBe(toYaml(doc));
  });

  it('keeps a group across the batch boundary as one group step, label escaped', () => {
    const groups = doc.steps.filter((s: any) => s && typeof s === 'object' && 'group' in s);
    expect(groups.map((g: any) => [g.group, g.steps.length])).toEqual([
      ['around $$boundary', 26],
      ['pair', 2],
      ['pair 2', 2],
    ]);
    expect(doc.steps.slice(-2)).toEqual(['wait', { command: 'echo $$done', key: 'tail' }]);
  });

  it('writes every job once, the manual ones last', () => {
    const keys: string[] = [];
    for (const s of doc.steps) {
      if (s && typeof s === 'object' && 'group' in s) for (const g of s.steps) keys.push(g.key);
      else if (s && typeof s === 'object' && 'key' in s) keys.push(s.key);
    }
    const jobKeys = keys.filter((k) => /^j\d+$/.test(k));
    expect(new Set(jobKeys).size).toBe(450);
    expect(jobKeys.slice(-2)).toEqual(['j296', 'j393']);
    expect(keys.filter((k) => k.endsWith('-manual'))).toEqual(['j296-manual', 'j393-manual']);
  });
});
