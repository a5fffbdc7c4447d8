import { comparePipelines, dottedPath, pathMatches } from './equivalence';
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

  it('names dropped fields at their leaves', () => {
    const r = comparePipelines(p({ a: { runner: { queue: 'q', labels: ['l'] }, steps: [{ run: 'x' }] } }), p({ a: { steps: [{ run: 'x' }] } }), ['jobs.a.runner.queue']);
    expect(r.differences).toEqual([{ path: 'jobs.a.runner.labels.0', expected: 'l', actual: undefined }]);
    expect(r.ignored.map((d) => d.path)).toEqual(['jobs.a.runner.queue']);
  });

  it('reads diagnostic paths in dotted form', () => {
    expect(dottedPath('jobs.a.steps[2].run')).toBe('jobs.a.steps.2.run');
    expect(dottedPath('vendor["x y"].z')).toBe('vendor.x y.z');
  });

  it('matches patterns by segment', () => {
    expect(pathMatches('jobs.*.retry', 'jobs.build.retry')).toBe(true);
    expect(pathMatches('jobs.*.steps', 'jobs.build.steps.0.name')).toBe(true);
    expect(pathMatches('jobs.*.retry', 'jobs.build.runner')).toBe(false);
  });
});
