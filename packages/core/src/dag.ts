/** The job graph: levels (stages) and cycles. Iterative, so a 10,000-job chain cannot overflow the stack. */
import { derived } from './emit-cache';
import type { Pipeline } from './ir';

/** Needs that name existing jobs (validation reports the others). */
function knownNeeds(pipeline: Pipeline, id: string): string[] {
  return (pipeline.jobs[id]?.needs ?? []).filter((n) => n !== id && pipeline.jobs[n] !== undefined);
}

/**
 * Jobs grouped by depth in the DAG (Kahn's algorithm): level 0 needs nothing, level n
 * needs only lower levels. Jobs keep their definition order inside a level; jobs on a
 * cycle (an error reported by validation) go to the last level.
 * Computed once per pipeline while a compile emits its targets: callers must not change it.
 */
export function jobLevels(pipeline: Pipeline): readonly (readonly string[])[] {
  return derived('jobLevels', pipeline, () => levelsOf(pipeline));
}

function levelsOf(pipeline: Pipeline): string[][] {
  const ids = Object.keys(pipeline.jobs);
  const level = new Map<string, number>();
  const pending = new Map<string, number>();
  const dependents = new Map<string, string[]>();
  for (const id of ids) {
    const needs = knownNeeds(pipeline, id);
    pending.set(id, needs.length);
    for (const n of needs) {
      const list = dependents.get(n);
      if (list) list.push(id);
      else dependents.set(n, [id]);
    }
  }
  const queue = ids.filter((id) => pending.get(id) === 0);
  for (const id of queue) level.set(id, 0);
  for (let i = 0; i < queue.length; i++) {
    const id = queue[i];
    const d = level.get(id)!;
    for (const next of dependents.get(id) ?? []) {
      level.set(next, Math.max(level.get(next) ?? 0, d + 1));
      const left = pending.get(next)! - 1;
      pending.set(next, left);
      if (left === 0) queue.push(next);
    }
  }
  const deepest = queue.reduce((m, id) => Math.max(m, level.get(id)!), 0);
  const levels: string[][] = [];
  for (const id of ids) {
    const d = pending.get(id) === 0 ? level.get(id)! : deepest + 1;
    (levels[d] ??= []).push(id);
  }
  return levels.filter((l) => l !== undefined);
}

/** A cycle in `needs`, as the ids along it (first id repeated at the end), or undefined. */
export function findCycle(pipeline: Pipeline): string[] | undefined {
  const state = new Map<string, 'open' | 'done'>();
  for (const root of Object.keys(pipeline.jobs)) {
    if (state.has(root)) continue;
    const path: string[] = [];
    const stack: { id: string; next: number; needs: string[] }[] = [];
    const enter = (id: string) => {
      state.set(id, 'open');
      path.push(id);
      stack.push({ id, next: 0, needs: knownNeeds(pipeline, id) });
    };
    enter(root);
    while (stack.length > 0) {
      const top = stack[stack.length - 1];
      if (top.next >= top.needs.length) {
        state.set(top.id, 'done');
        stack.pop();
        path.pop();
        continue;
      }
      const need = top.needs[top.next++];
      const s = state.get(need);
      if (s === 'open') return [...path.slice(path.indexOf(need)), need];
      if (s === undefined) enter(need);
    }
  }
  return undefined;
}
