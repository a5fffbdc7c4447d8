/** `polyci lint`: import foreign configs and report polyci's findings at file:line. */
import { checkPipeline, parsePipeline, type Diagnostic, type Target } from '@polyci/core';
import { importFile, placeOnSource } from '../imports';

/** Findings for each file: the importer's, then the policy and strategy checks on the result. */
export function lintFiles(files: readonly string[], from?: Target): Diagnostic[] {
  const all: Diagnostic[] = [];
  for (const file of files) {
    const imported = importFile(file, from);
    for (const d of imported.diagnostics) all.push(placeOnSource(d, imported));
    if (!imported.result) continue;
    // Lint judges every file by the same default policy (warn): a policy carried in
    // the file itself (polyci's round-trip comments) must not silence findings.
    const pipeline = imported.result.pipeline;
    const unpoliced = { ...pipeline, policy: {}, jobs: Object.fromEntries(Object.entries(pipeline.jobs ?? {}).map(([id, job]) => {
      const { policy: _ignored, ...rest } = job;
      return [id, rest];
    })) };
    const parsed = parsePipeline(unpoliced);
    const checked = parsed.pipeline ? checkPipeline(parsed.pipeline).diagnostics : parsed.diagnostics;
    for (const d of checked) if (d.code !== 'PCI013') all.push(placeOnSource(d, imported));
  }
  return all;
}
