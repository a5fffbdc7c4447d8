/**
 * Round trip: for every example and every target T, import(emit(example, T))
 * equals the example's IR, except for what T cannot express (listed here, per
 * target, and printed by the test so the loss is visible).
 */
import { comparePipelines, compile, parsePipeline, type TargetId } from '@polyci/core';
import { allTargets } from '../packages/cli/src/targets';
import { exampleNames, loadExample } from './support/examples';

/** IR paths each target cannot carry through its format (and its importer cannot recover). */
export const cannotExpress: Record<TargetId, string[]> = {
  gitlab: ['name', 'jobs.*.name', 'jobs.*.steps.*.name', 'jobs.*.steps.*.checkout', 'triggers'],
  github: ['jobs.*.retry', 'jobs.*.steps.*.checkout.depth'],
  buildkite: ['jobs.*.steps.*.name', 'jobs.*.steps.*.checkout', 'triggers', 'name'],
  jenkins: ['name', 'jobs.*.steps.*.name', 'triggers'],
  compose: ['jobs.*.timeoutMinutes', 'jobs.*.retry', 'jobs.*.conditions', 'triggers', 'jobs.*.steps.*.name', 'jobs.*.steps.*.checkout', 'jobs.*.runner', 'jobs.*.needs'],
};

const importers = allTargets.filter((t) => t.import);

describe.each(exampleNames())('round trip of example %s', (name) => {
  const example = loadExample(name);
  it.each(importers.map((t) => t.id))('through %s', (id) => {
    const target = allTargets.find((t) => t.id === id)!;
    const emitted = compile(example, [target], { source: 'ci.config.ts' });
    expect(emitted.diagnostics.filter((d) => d.severity === 'error')).toEqual([]);
    const imported = target.import!(emitted.files.map(({ file }) => ({ path: file.path, contents: file.contents })));
    expect(imported.diagnostics.filter((d) => d.severity === 'error')).toEqual([]);
    const parsed = parsePipeline(imported.pipeline);
    expect(parsed.diagnostics).toEqual([]);
    const { differences } = comparePipelines(example, parsed.pipeline!, cannotExpress[id]);
    expect(differences).toEqual([]);
  });
});
