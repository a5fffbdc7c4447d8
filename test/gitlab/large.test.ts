/**
 * A pipeline with more jobs than the emitter writes in one batch: the text must be
 * what one toYaml of the whole document writes, with the document's own keys first,
 * vendor keys after the jobs, and the vendor keys that must keep their old places
 * (a job they replace, an integer-like key) falling back to one toYaml.
 */
import { parse } from 'yaml';
import { toYaml, type Pipeline } from '@polyci/core';
import { emitGitlab } from '@polyci/gitlab';
import { afterHeader as body, checked, manyJobs } from '../support/large';

function largePipeline(jobs: number, vendor: Record<string, unknown>): Pipeline {
  return checked({
    name: 'large $5',
    triggers: { push: { branches: ['main'] } },
    vendor: { gitlab: vendor },
    jobs: manyJobs(
      jobs,
      (i) => ({ env: { N: `${i}`, PRICE: '$5 and $HOME' }, ...(i % 97 === 5 ? { conditions: { branches: ['main'] } } : {}) }),
      // `image` is a GitLab keyword: its job gets another key
      (i) => (i === 3 ? 'image' : `j${i}`),
    ),
  });
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
