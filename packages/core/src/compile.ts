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

/** Where the pipeline came from, for the diagnostics. */
export interface CompileContext {
  /** Set on each diagnostic that names no file: the config's path as the user gave it. */
  file?: string;
}

/** Validate a pipeline definition and emit it for each target. Errors anywhere mean no files. */
export function compile(input: unknown, targets: readonly Target[], options: EmitOptions = {}, context: CompileContext = {}): CompileResult {
  const { file } = context;
  // Each diagnostic gets the target's prefix and the file. The diagnostics a validation or
  // an emit returns are the caller's (EmitResult), so they are stamped in place: a
  // 10,000-job pipeline has ~290,000, and copying them all cost ~0.1 s plus the promotion
  // of the copies (bench/README.md). One that cannot take new keys is copied.
  const stamped = (d: Diagnostic, prefix?: string): Diagnostic => {
    const message = prefix === undefined || d.message.startsWith(prefix) ? d.message : `${prefix} ${d.message}`;
    if (message === d.message && (file === undefined || d.file)) return d;
    if (!Object.isExtensible(d)) return restamp(d, message, file);
    d.message = message;
    if (file !== undefined && d.file === undefined) d.file = file;
    return d;
  };
  const checked = validatePipeline(input);
  const diagnostics: Diagnostic[] = [];
  for (const d of checked.diagnostics) diagnostics.push(stamped(d));
  if (!checked.pipeline) return { files: [], diagnostics };
  const { pipeline } = checked;
  const files: CompileResult['files'] = [];
  // One cache of what the targets derive alike from the IR (build commands, built-ins).
  withEmitCache(() => {
    for (const target of targets) {
      const result = target.emit(pipeline, { ...options, ...((options[target.id] as EmitOptions | undefined) ?? {}) });
      // a loop, not push(...list): a large pipeline has more diagnostics than a call takes arguments
      const prefix = `[${target.id}]`;
      for (const d of result.diagnostics) diagnostics.push(stamped(d, prefix));
      for (const f of result.files) files.push({ target: target.id, file: f });
    }
  });
  return hasErrors(diagnostics) ? { files: [], diagnostics, pipeline } : { files, diagnostics, pipeline };
}
