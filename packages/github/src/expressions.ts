/**
 * GitHub evaluates `${{ ... }}` in almost every string of a workflow (run scripts,
 * env values, names, images), so a user string must never open an expression.
 * https://docs.github.com/en/actions/learn-github-actions/expressions
 */

/** The expression GitHub evaluates to the two characters that open an expression. */
export const literalExpressionOpener = "${{ '${{' }}";

/** A user string as GitHub must see it so that, evaluated, it is the string again. */
export function escapeExpressions(value: string): string {
  // Most strings hold no opener: hand them back as they are, not as a copy.
  return value.includes('${{') ? value.split('${{').join(literalExpressionOpener) : value;
}

/** The inverse of `escapeExpressions`, for what polyci wrote (and for importing). */
export function unescapeExpressions(value: string): string {
  return value.split(literalExpressionOpener).join('${{');
}

/** A string literal inside an expression: GitHub doubles single quotes. */
export function expressionString(value: string): string {
  return `'${value.replace(/'/g, "''")}'`;
}

/** Every `${{ ... }}` in a string, as GitHub's template scanner sees them (string literals may hold `}}`). */
export function expressionsIn(value: string): string[] {
  const found: string[] = [];
  let at = value.indexOf('${{');
  while (at >= 0) {
    let i = at + 3;
    let inString = false;
    for (; i < value.length; i++) {
      const c = value[i];
      if (inString) {
        if (c === "'") {
          if (value[i + 1] === "'") i++;
          else inString = false;
        }
      } else if (c === "'") inString = true;
      else if (c === '}' && value[i + 1] === '}') break;
    }
    if (i >= value.length) {
      found.push(value.slice(at));
      break;
    }
    found.push(value.slice(at, i + 2));
    at = value.indexOf('${{', i + 2);
  }
  return found;
}

/** A string cut into literal text and `${{ ... }}` expressions, in order. */
export function splitExpressions(value: string): { text: string; expression: boolean }[] {
  const parts: { text: string; expression: boolean }[] = [];
  let last = 0;
  let at = value.indexOf('${{');
  while (at >= 0) {
    const [expr] = expressionsIn(value.slice(at));
    if (at > last) parts.push({ text: value.slice(last, at), expression: false });
    parts.push({ text: expr, expression: true });
    last = at + expr.length;
    at = value.indexOf('${{', last);
  }
  if (last < value.length) parts.push({ text: value.slice(last), expression: false });
  return parts;
}

/** The name in `${{ secrets.NAME }}`, when the whole value is exactly that. */
export function secretReference(value: string): string | undefined {
  return /^\$\{\{\s*secrets\.([A-Za-z_][A-Za-z0-9_]*)\s*\}\}$/.exec(value)?.[1];
}
