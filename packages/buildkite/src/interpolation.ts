/**
 * Buildkite interpolates `$VAR`, `${VAR}` and `${VAR:-default}` in every string of
 * a pipeline when it is uploaded, before any shell sees it. `$$` and `\$` are its
 * two escapes for a literal `$`.
 * https://buildkite.com/docs/pipelines/configure/environment-variables#runtime-variable-interpolation
 *
 * polyci writes every `$` of user text (and of the shell it generates) escaped, so
 * that the agent hands the shell exactly the IR's string. The one deliberate
 * exception is the built-in variables, which are filled in at upload.
 */
import type { BuiltinVariable } from '@polyci/core';

/** The Buildkite variable behind each polyci built-in. */
export const builtinSources: Record<BuiltinVariable, string> = {
  POLYCI_BUILD_NUMBER: 'BUILDKITE_BUILD_NUMBER',
  POLYCI_COMMIT_SHA: 'BUILDKITE_COMMIT',
  POLYCI_BRANCH: 'BUILDKITE_BRANCH',
};

/**
 * A literal string as Buildkite must read it. A `$` after a backslash is written
 * `\$`: `\$$` would read as an escaped `$` followed by a live `$`.
 */
export function escapeInterpolation(text: string): string {
  // Most strings hold no `$`: includes is much cheaper than a replace with a callback.
  if (!text.includes('$')) return text;
  return text.replace(/\$/g, (_match, at: number) => (at > 0 && text[at - 1] === '\\' ? '\\$' : '$$'));
}

const builtinReference = /\$(?:\{(POLYCI_BUILD_NUMBER|POLYCI_COMMIT_SHA|POLYCI_BRANCH)\}|(POLYCI_BUILD_NUMBER|POLYCI_COMMIT_SHA|POLYCI_BRANCH)(?![A-Za-z0-9_]))/g;

/**
 * An environment value: Buildkite passes env values to the job without shell
 * expansion, so a built-in referenced in one becomes an upload-time reference to
 * the Buildkite variable; every other `$` stays literal.
 */
export function escapeEnvValue(value: string): string {
  if (!value.includes('$')) return value;
  let out = '';
  let last = 0;
  for (const m of value.matchAll(builtinReference)) {
    const at = m.index ?? 0;
    // `\${X}` cannot be written as a live reference (Buildkite reads `\$` as an escape): keep it literal.
    if (at > 0 && value[at - 1] === '\\') continue;
    out += escapeInterpolation(value.slice(last, at));
    out += `\${${builtinSources[(m[1] ?? m[2]) as BuiltinVariable]}}`;
    last = at + m[0].length;
  }
  return out + escapeInterpolation(value.slice(last));
}

/**
 * Every string in a JSON-shaped value, escaped. Copy on write: a value with no `$`
 * anywhere is returned as it is, and only the arrays and objects on the way to an
 * escaped string are copied, because a large pipeline has few `$` and every copy
 * of a step is garbage for the collector.
 */
export function escapeDeep<T>(value: T): T {
  if (typeof value === 'string') return (value.includes('$') ? escapeInterpolation(value) : value) as T;
  if (Array.isArray(value)) {
    let out: unknown[] | undefined;
    for (let i = 0; i < value.length; i++) {
      const item: unknown = value[i];
      const escaped = escapeDeep(item);
      if (escaped !== item && out === undefined) out = value.slice(0, i);
      if (out !== undefined) out.push(escaped);
    }
    return (out ?? value) as T;
  }
  if (value && typeof value === 'object') {
    const obj = value as Record<string, unknown>;
    let out: Record<string, unknown> | undefined;
    for (const key in obj) {
      const item = obj[key];
      const escaped = escapeDeep(item);
      if (escaped !== item && out === undefined) out = { ...obj };
      if (out !== undefined) out[key] = escaped;
    }
    return (out ?? value) as T;
  }
  return value;
}

/**
 * What the agent makes of a string at upload, for the importer: escapes become
 * `$`, and references to Buildkite's build variables become the polyci built-ins.
 * Other references are kept as written (the shell or the agent resolves them).
 */
export function unescapeInterpolation(text: string): string {
  let out = '';
  for (let i = 0; i < text.length; i++) {
    const c = text[i];
    const next = text[i + 1];
    if ((c === '$' || c === '\\') && next === '$') {
      out += '$';
      i++;
      continue;
    }
    if (c === '$') {
      const m = /^\$(?:\{([A-Za-z_][A-Za-z0-9_]*)\}|([A-Za-z_][A-Za-z0-9_]*))/.exec(text.slice(i));
      const name = m ? (m[1] ?? m[2]) : undefined;
      const builtin = (Object.keys(builtinSources) as BuiltinVariable[]).find((b) => builtinSources[b] === name);
      if (m && builtin) {
        out += `\${${builtin}}`;
        i += m[0].length - 1;
        continue;
      }
    }
    out += c;
  }
  return out;
}
