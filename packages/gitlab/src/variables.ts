/**
 * GitLab expands `$NAME` and `${NAME}` in `variables:` values (and in a few other
 * keys) before the shell ever sees them, and reads `$$` as one literal `$`.
 * https://docs.gitlab.com/ee/ci/variables/#use-the--character-in-cicd-variables
 */
import type { BuiltinVariable } from '@polyci/core';

const reference = /^\$(?:\{[A-Za-z_][A-Za-z0-9_]*\}|[A-Za-z_][A-Za-z0-9_]*)/;

/**
 * An IR value (which may reference other variables as $NAME / ${NAME}) as a GitLab
 * `variables:` value: references stay expandable, every other `$` is written `$$`.
 */
export function escapeVariableValue(value: string): string {
  let out = '';
  for (let i = 0; i < value.length; i++) {
    const c = value[i];
    if (c !== '$') {
      out += c;
      continue;
    }
    const ref = reference.exec(value.slice(i));
    if (ref) {
      out += ref[0];
      i += ref[0].length - 1;
    } else out += '$$';
  }
  return out;
}

/** The inverse of `escapeVariableValue`: `$$` is one literal `$`, references stay. */
export function unescapeVariableValue(value: string): string {
  return value.replace(/\$\$/g, '$');
}

/**
 * A string GitLab's server expands (workflow:name) that holds no references: every
 * `$` and `%` is literal. The server also reads Windows-style `%NAME%`, with `%%` as
 * its escape (ExpandVariables::VARIABLES_REGEXP); the runner, which expands job
 * variables, reads only `$` (os.Expand with `$$` for `$`).
 */
export function escapeLiteral(value: string): string {
  return value.replace(/[$%]/g, (c) => c + c);
}

/** The inverse of `escapeLiteral`. */
export function unescapeLiteral(value: string): string {
  return value.replace(/\$\$|%%/g, (m) => m[0]);
}

/** GitLab's own predefined variables behind polyci's built-ins. */
export const builtinSources: Record<BuiltinVariable, string> = {
  POLYCI_BUILD_NUMBER: '$CI_PIPELINE_IID',
  POLYCI_COMMIT_SHA: '$CI_COMMIT_SHA',
  POLYCI_BRANCH: '$CI_COMMIT_BRANCH',
};
