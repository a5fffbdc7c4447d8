import { findCycle, jobLevels } from './dag';
import { parsePipeline } from './validate';

const pipeline = (jobs: Record<string, string[]>) =>
  parsePipeline({ name: 'p', jobs: Object.fromEntries(Object.entries(jobs).map(([id, needs]) => [id, { needs, steps: [{ run: 'x' }] }])) }).pipeline!;

describe('job graph', () => {
  it('levels jobs by depth, keeping definition order', () => {
    expect(jobLevels(pipeline({ a: [], b: [], c: ['a'], d: ['c', 'b'], e: ['a'] }))).toEqual([['a', 'b'], ['c', 'e'], ['d']]);
  });

  it('handles a 20,000-job chain without recursion', () => {
    const jobs: Record<string, string[]> = {};
    for (let i = 0; i < 20000; i++) jobs[`j${i}`] = i ? [`j${i - 1}`] : [];
    const p = pipeline(jobs);
    expect(jobLevels(p)).toHaveLength(20000);
    expect(findCycle(p)).toBeUndefined();
  });

  it('finds cycles', () => {
    expect(findCycle(pipeline({ a: ['c'], b: ['a'], c: ['b'], d: [] }))).toEqual(['a', 'c', 'b', 'a']);
    expect(findCycle(pipeline({ a: [], b: ['a'] }))).toBeUndefined();
    const levels = jobLevels(pipeline({ a: ['b'], b: ['a'], c: [] }));
    expect(levels).toEqual([['c'], ['a', 'b']]);
  });
});
