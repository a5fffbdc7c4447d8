import { comparePipelines, pathMatches } from './equivalence';
import { parsePipeline } from './validate';

const p = (jobs: Record<string, unknown>) => parsePipeline({ name: 'p', jobs }).pipeline!;

describe('comparePipelines', () => {
  it('finds nothing between equal pipelines, treating empty and absent alike', () => {
    expect(comparePipelines(p({ a: { steps: [{ run: 'x' }] } }), p({ a: { steps: [{ run: 'x' }], env: {} } })).differences).toEqual([]);
  });

  it('reports a changed string at its path', () => {
    const r = comparePipelines(p({ a: { steps: [{ run: 'x' }] } }), p({ a: { steps: [{ run: 'y' }] } }));
    expect(r.differences).toEqual([{ path: 'jobs.a.steps.0.run', expected: 'x', actual: 'y' }]);
  });

  it('skips what the target cannot express, and says so', () => {
    const r = comparePipelines(p({ a: { retry: 2, steps: [{ run: 'x' }] } }), p({ a: { steps: [{ run: 'x' }] } }), ['jobs.*.retry']);
    expect(r.differences).toEqual([]);
    expect(r.ignored).toEqual([{ path: 'jobs.a.retry', expected: 2, actual: undefined }]);
  });

  it('matches patterns by segment', () => {
    expect(pathMatches('jobs.*.retry', 'jobs.build.retry')).toBe(true);
    expect(pathMatches('jobs.*.steps', 'jobs.build.steps.0.name')).toBe(true);
    expect(pathMatches('jobs.*.retry', 'jobs.build.runner')).toBe(false);
  });
});
