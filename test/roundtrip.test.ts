/**
 * Round trip: for every example and every target T, import(emit(example, T))
 * equals the example's IR, except for what T cannot express. What T cannot express
 * is not a list kept here: it is exactly what T's emitter reported dropping (PCI031)
 * or degrading (a PCI030 warning), with the IR path, so a field lost without a
 * diagnostic fails this test.
 * The policy is compile-time only (it decides what polyci emits and warns about)
 * and has no meaning in a vendor's file.
 */
import { comparePipelines, compile, dottedPath, parsePipeline } from '@polyci/core';
import { allTargets } from '../packages/cli/src/targets';
import { exampleNames, loadExample } from './support/examples';

const compileTimeOnly = ['policy', 'jobs.*.policy'];
/**
 * Known ambiguities, each a finding to fix rather than a choice: core writes the same
 * kaniko command for `dockerfile: 'Dockerfile'` and for no dockerfile (kaniko's default),
 * and the compose importer reads it back as the default.
 */
const knownAmbiguities: Partial<Record<string, string[]>> = { compose: ['jobs.*.steps.*.buildImage.dockerfile'] };
const importers = allTargets.filter((t) => t.import);

describe.each(exampleNames())('round trip of example %s', (name) => {
  const example = loadExample(name);
  it.each(importers.map((t) => t.id))('through %s', (id) => {
    const target = allTargets.find((t) => t.id === id)!;
    const emitted = compile(example, [target], { source: 'ci.config.ts' });
    expect(emitted.diagnostics.filter((d) => d.severity === 'error')).toEqual([]);
    const dropped = emitted.diagnostics.filter((d) => d.path && (d.code === 'PCI031' || (d.code === 'PCI030' && d.severity === 'warning'))).map((d) => dottedPath(d.path!));
    const imported = target.import!(emitted.files.map(({ file }) => ({ path: file.path, contents: file.contents })));
    expect(imported.diagnostics.filter((d) => d.severity === 'error')).toEqual([]);
    const parsed = parsePipeline(imported.pipeline);
    expect(parsed.diagnostics).toEqual([]);
    const { differences } = comparePipelines(example, parsed.pipeline!, [...compileTimeOnly, ...dropped, ...(knownAmbiguities[id] ?? [])]);
    expect(differences).toEqual([]);
  });
});
