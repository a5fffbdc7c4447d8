/**
 * Diagnostics: every finding polyci reports, with a stable code, a position (an IR
 * path such as `jobs.build.docker`, or file:line:col of an imported file), a
 * one-sentence message and a hint that says how to fix it.
 */
export type Severity = 'error' | 'warning' | 'info';

export interface Diagnostic {
  /** Stable code, PCI followed by three digits; see `diagnosticCodes`. */
  code: string;
  severity: Severity;
  message: string;
  /** IR path (`jobs.build.steps[1].run`) or, for imported files, the key path in that file. */
  path?: string;
  /** Source file, when the finding is about a file on disk. */
  file?: string;
  line?: number;
  column?: number;
  /** How to fix it, or the safer alternative. */
  hint?: string;
}

/** Every code polyci emits, with the rule it names (as actionlint's `kind`). */
export const diagnosticCodes = {
  PCI001: 'config-load',
  PCI002: 'config-shape',
  PCI003: 'unknown-need',
  PCI004: 'need-cycle',
  PCI010: 'docker-command-without-daemon',
  PCI011: 'docker-command-without-strategy',
  PCI012: 'strategy-capability',
  PCI013: 'auto-strategy',
  PCI020: 'privileged',
  PCI021: 'host-socket',
  PCI022: 'tls-off',
  PCI023: 'unpinned-image',
  PCI030: 'target-cannot-express',
  PCI031: 'target-drops-field',
  PCI032: 'target-option',
  PCI040: 'import-syntax',
  PCI041: 'import-unsupported',
  PCI042: 'import-kept-vendor',
  PCI043: 'import-vendor-ignores',
  PCI044: 'import-literal-secret',
  PCI050: 'hostile-input',
  PCI060: 'output-conflict',
} as const;
export type DiagnosticCode = keyof typeof diagnosticCodes;

/** Build a diagnostic. */
export function diagnostic(
  code: DiagnosticCode,
  severity: Severity,
  message: string,
  where: { path?: string; file?: string; line?: number; column?: number; hint?: string } = {},
): Diagnostic {
  const d: Diagnostic = { code, severity, message };
  if (where.path !== undefined) d.path = where.path;
  if (where.file !== undefined) d.file = where.file;
  if (where.line !== undefined) d.line = where.line;
  if (where.column !== undefined) d.column = where.column;
  if (where.hint !== undefined) d.hint = where.hint;
  return d;
}

/**
 * A copy of `d` with another message and, when it names no file, `file`: what
 * `{ ...d, message, file }` makes, keys in the same order, without the spread (spreads
 * of objects of several shapes measured 2-4x this loop). `compile` stamps a target's
 * diagnostics in place with the same keys in the same order, and copies only one that
 * cannot take new keys.
 */
export function restamp(d: Diagnostic, message: string, file?: string): Diagnostic {
  const from = d as unknown as Record<string, unknown>;
  const c: Record<string, unknown> = {};
  for (const key in from) c[key] = from[key];
  c.message = message;
  if (file !== undefined && c.file === undefined) c.file = file;
  return c as unknown as Diagnostic;
}

/** True when any diagnostic is an error: output must not be written. */
export function hasErrors(diagnostics: readonly Diagnostic[]): boolean {
  return diagnostics.some((d) => d.severity === 'error');
}

const pathName = /^[A-Za-z_][A-Za-z0-9_-]*$/;

/** Format an IR path from its segments: jobs.build.steps[2].run */
export function formatPath(segments: readonly (string | number)[]): string {
  let out = '';
  for (const s of segments) {
    if (typeof s === 'number') out += `[${s}]`;
    else if (pathName.test(s)) out += out ? `.${s}` : s;
    else out += `[${JSON.stringify(s)}]`;
  }
  return out;
}
