/** IR to files for several targets, with every diagnostic on the way. */
import { hasErrors, restamp, type Diagnostic } from './diagnostics';
import { withEmitCache } from './emit-cache';
import type { Pipeline } from './ir';
import type { EmitOptions, OutputFile, Target } from './target';
import { validatePipeline } from './validate';

export interface CompileResult {
  /** Files by target id; empty when any diagnostic is an error. */
  files: { target: Target['id']; file: OutputFile }[];
  diagnostics: Diagnostic[];
  pipeline?: Pipeline;
}

/** Validate a pipeline definition and emit it for each target. Errors anywhere mean no files. */
export function compile(input: unknown, targets: readonly Target[], options: EmitOptions = {}): CompileResult {
  const checked = validatePipeline(input);
  if (!checked.pipeline) return { files: [], diagnostics: checked.diagnostics };
  const { pipeline } = checked;
  const diagnostics = [...checked.diagnostics];
  const files: CompileResult['files'] = [];
  // One cache of what the targets derive alike from the IR (build commands, built-ins).
  withEmitCache(() => {
    for (const target of targets) {
      const result = target.emit(pipeline, { ...options, ...((options[target.id] as EmitOptions | undefined) ?? {}) });
      // a loop, not push(...list): a large pipeline has more diagnostics than a call takes arguments
      const prefix = `[${target.id}]`;
      for (const d of result.diagnostics) diagnostics.push(d.message.startsWith(prefix) ? d : restamp(d, `${prefix} ${d.message}`));
      for (const file of result.files) files.push({ target: target.id, file });
    }
  });
  return hasErrors(diagnostics) ? { files: [], diagnostics, pipeline } : { files, diagnostics, pipeline };
}
