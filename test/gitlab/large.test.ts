/**
 * A pipeline with more jobs than the emitter writes in one batch: the text must be
 * what one toYaml of the whole document writes, with the document's own keys first,
 * vendor keys after the jobs, and the vendor keys that must keep their old places
 * (a job they replace, an integer-like key) falling back to one toYaml.
 */
import { parse } from 'yaml';
import { toYaml, validatePipeline, type Pipeline, type PipelineInput } from '@polyci/core';
import { emitGitlab } from '@polyci/gitlab';

function largePipeline(jobs: number, vendor: Record<string, unknown>): Pipeline {
  const input: PipelineInput = { name: 'large $5', triggers: { push: { branches: ['main'] } }, vendor: { gitlab: vendor }, jobs: {} };
  for (let i = 0; i < jobs; i++) {
    // `image` is a GitLab keyword: its job gets another key
    const id = i === 3 ? 'image' : `j${i}`;
    input.jobs[id] = {
      name: `job ${i}`,
      image: 'node:22',
      needs: i > 0 && i % 50 === 0 ? [`j${i - 1}`] : [],
      env: { N: `${i}`, PRICE: '$5 and $HOME' },
      ...(i % 97 === 5 ? { conditions: { branches: ['main'] } } : {}),
      steps: [{ checkout: { depth: 1 } }, { name: 'Test', run: `echo "$${i}"\nnpm test -- --shard=${i}` }],
    };
  }
  const r = validatePipeline(input);
  if (!r.pipeline) throw new Error(JSON.stringify(r.diagnostics));
  return r.pipeline;
}

/** The YAML after the header comments. */
function body(text: string): string {
  return text.slice(text.indexOf('\n', text.lastIndexOf('\n# ') + 1) + 1);
}

describe('a pipeline larger than one batch of jobs', () => {
  it('is the text of one toYaml of the whole document, vendor keys after the jobs', () => {
    const result = emitGitlab(largePipeline(450, { variables: { X: '1' }, deploy: { stage: 'deploy', script: ['x'] } }), { source: 'ci.config.ts' });
    const text = body(result.files[0].contents);
    const doc = parse(text);
    expect(text).toBe(toYaml(doc));
    const keys = Object.keys(doc);
    expect(keys.slice(0, 3)).toEqual(['workflow', 'stages', 'j0']);
    expect(keys.slice(-3)).toEqual(['j449', 'variables', 'deploy']);
    expect(keys).toContain('image-job');
    expect(doc.stages).toContain('deploy');
  });

  it('keeps a replaced job and an integer-like key where one toYaml puts them', () => {
    const result = emitGitlab(largePipeline(450, { j300: { script: ['replaced'] }, 7: { script: ['seven'] } }), { source: 'ci.config.ts' });
    const text = body(result.files[0].contents);
    const doc = parse(text);
    expect(text).toBe(toYaml(doc));
    const keys = Object.keys(doc);
    expect(keys.slice(0, 2)).toEqual(['7', 'workflow']);
    expect(keys.indexOf('j300')).toBe(keys.indexOf('j299') + 1);
    expect(doc.j300).toEqual({ script: ['replaced'] });
    expect(result.diagnostics.filter((d) => d.code === 'PCI032').map((d) => d.path)).toEqual(['vendor.gitlab.j300']);
  });
});
