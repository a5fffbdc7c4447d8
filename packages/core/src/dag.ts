/** The job graph: order, levels (stages) and cycles. */
import type { Pipeline } from './ir';

/** Jobs grouped by depth in the DAG: level 0 needs nothing, level n needs only lower levels. */
export function jobLevels(pipeline: Pipeline): string[][] {
  const level = new Map<string, number>();
  const visiting = new Set<string>();
  const depth = (id: string): number => {
    const known = level.get(id);
    if (known !== undefined) return known;
    if (visiting.has(id)) return 0; // cycles are reported by validation, never emitted
    visiting.add(id);
    const job = pipeline.jobs[id];
    let d = 0;
    for (const need of job?.needs ?? []) if (pipeline.jobs[need]) d = Math.max(d, depth(need) + 1);
    visiting.delete(id);
    level.set(id, d);
    return d;
  };
  const levels: string[][] = [];
  for (const id of Object.keys(pipeline.jobs)) {
    const d = depth(id);
    (levels[d] ??= []).push(id);
  }
  return levels.filter((l) => l !== undefined);
}

/** A cycle in `needs`, as the ids along it, or undefined. */
export function findCycle(pipeline: Pipeline): string[] | undefined {
  const state = new Map<string, 'open' | 'done'>();
  const stack: string[] = [];
  const visit = (id: string): string[] | undefined => {
    const s = state.get(id);
    if (s === 'done') return undefined;
    if (s === 'open') return [...stack.slice(stack.indexOf(id)), id];
    state.set(id, 'open');
    stack.push(id);
    for (const need of pipeline.jobs[id]?.needs ?? []) {
      if (!pipeline.jobs[need]) continue;
      const cycle = visit(need);
      if (cycle) return cycle;
    }
    stack.pop();
    state.set(id, 'done');
    return undefined;
  };
  for (const id of Object.keys(pipeline.jobs)) {
    const cycle = visit(id);
    if (cycle) return cycle;
  }
  return undefined;
}
