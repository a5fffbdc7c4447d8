/**
 * A pipeline with more jobs than the emitter writes in one batch: the text must be
 * what one toYaml of the whole workflow writes, with vendor keys after the jobs, and
 * a vendor key that must keep its old place (`jobs` itself, an integer-like key)
 * falling back to one toYaml.
 */
import { parse } from 'yaml';
import { toYaml, type Pipeline } from '@polyci/core';
import { emitGithub } from '@polyci/github';
import { afterHeader as body, checked, manyJobs } from '../support/large';

function largePipeline(jobs: number, vendor: Record<string, unknown>): Pipeline {
  return checked({
    name: 'large ${{ x }}',
    triggers: { push: { branches: ['main'] } },
    vendor: { github: vendor },
    jobs: manyJobs(jobs, (i) => ({
      name: `job ${i} \${{ github.token }}`,
      env: { N: `${i}`, PRICE: '$5' },
      ...(i % 97 === 5 ? { conditions: { branches: ['main'], manual: true } } : {}),
    })),
  });
}

describe('a pipeline larger than one batch of jobs', () => {
  it('is the text of one toYaml of the whole workflow, vendor keys after the jobs', () => {
    const result = emitGithub(largePipeline(450, { concurrency: 'ci', name: 'renamed' }), { source: 'ci.config.ts' });
    const text = body(result.files[0].contents);
    const doc = parse(text);
    expect(text).toBe(toYaml(doc));
    expect(Object.keys(doc)).toEqual(['name', 'on', 'permissions', 'defaults', 'jobs', 'concurrency']);
    expect(doc.name).toBe('renamed');
    expect(Object.keys(doc.jobs)).toHaveLength(450);
    expect(doc.on).toHaveProperty('workflow_dispatch');
  });

  it('keeps `jobs` and an integer-like vendor key where one toYaml puts them', () => {
    const result = emitGithub(largePipeline(450, { jobs: { only: { 'runs-on': 'x', steps: [{ run: 'y' }] } }, 7: 'seven' }), { source: 'ci.config.ts' });
    const text = body(result.files[0].contents);
    const doc = parse(text);
    expect(text).toBe(toYaml(doc));
    expect(Object.keys(doc)).toEqual(['7', 'name', 'on', 'permissions', 'defaults', 'jobs']);
    expect(Object.keys(doc.jobs)).toEqual(['only']);
  });
});
