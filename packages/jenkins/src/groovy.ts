/**
 * Groovy literals for strings from the IR. Jenkins evaluates a Jenkinsfile as Groovy:
 * a double-quoted string is a GString that interpolates `${...}`, so user data only
 * ever goes into single-quoted strings ('...' or '''...''') with `\` and `'` escaped.
 * http://groovy-lang.org/syntax.html#_single_quoted_string
 */

// Groovy 2.4 reads `\uXXXX` anywhere in the source before lexing (UnicodeEscapingReader),
// so control characters are written as the string escapes the lexer knows, and every
// backslash is doubled so that no `\u` from user data forms such an escape.
const simpleEscapes: Record<string, string> = { '\\': '\\\\', "'": "\\'", '\n': '\\n', '\r': '\\r', '\t': '\\t', '\b': '\\b', '\f': '\\f' };

function escapeChar(c: string, multiline: boolean): string {
  if (multiline && c === '\n') return '\n';
  if (multiline && c === '\t') return '\t';
  return simpleEscapes[c] ?? c;
}

// The tests first: most strings need no escape, and a replace with a callback costs
// far more than a test (a large pipeline quotes hundreds of thousands of strings).
const singleQuotedEscapes = /[\\'\n\r\t\b\f]/;
const controlEscapes = /[\\\r\b\f]/;

/** A single-quoted Groovy string ('...') that reads back as exactly `value`. */
export function groovySingleQuoted(value: string): string {
  if (!singleQuotedEscapes.test(value)) return `'${value}'`;
  return `'${value.replace(/[\\'\n\r\t\b\f]/g, (c) => escapeChar(c, false))}'`;
}

/**
 * A triple-single-quoted Groovy string that reads back as exactly `value`, for
 * text that should stay readable: scripts with quotes, pod YAML. A `'` is escaped only
 * where it could end the string: before another `'`, or as the last character. Text
 * that spans lines starts after an escaped newline (a line continuation), so it
 * starts on its own line without gaining a character.
 */
export function groovyTripleQuoted(value: string): string {
  let body = controlEscapes.test(value) ? value.replace(/[\\\r\b\f]/g, (c) => escapeChar(c, true)) : value;
  // Escaping the characters above adds no quote and puts none next to one.
  if (body.includes("'")) body = body.replace(/'(?='|$)/g, "\\'");
  const quotes = "'''";
  return value.includes('\n') ? `${quotes}\\\n${body}${quotes}` : `${quotes}${body}${quotes}`;
}

/** The most readable single-quoted literal for `value`: triple-quoted when it spans lines or holds quotes. */
export function groovyString(value: string): string {
  return value.includes('\n') || value.includes("'") ? groovyTripleQuoted(value) : groovySingleQuoted(value);
}

const plainLabel = /^[A-Za-z0-9_.-]+$/;

/**
 * A Jenkins label expression that requires every label. Labels that are not plain
 * atoms are quoted as Jenkins' label lexer expects, so `a||b` stays one label.
 * https://www.jenkins.io/doc/pipeline/steps/workflow-durable-task-step/#node-allocate-node
 */
export function labelExpression(labels: readonly string[]): string {
  return labels.map((l) => (plainLabel.test(l) ? l : `"${l.replace(/[\\"]/g, (c) => `\\${c}`)}"`)).join(' && ');
}

// Groovy 2.4 keywords and the names Groovy reads as something other than a variable
// (checked with the parser: `NAME = 'x'` is a syntax error or not an assignment to NAME).
const reservedNames = new Set(
  'as assert break case catch class const continue def default do else enum extends false finally for goto if implements import in instanceof interface new null package return super switch this throw throws trait true try while threadsafe native synchronized transient volatile strictfp private public protected static final abstract boolean byte char short int long float double void'.split(' '),
);

/** Can `name` stand on the left of `NAME = value` in an `environment {}` block? */
export function isEnvironmentName(name: string): boolean {
  return /^[A-Za-z_][A-Za-z0-9_]*$/.test(name) && !reservedNames.has(name);
}
