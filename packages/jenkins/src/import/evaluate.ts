/**
 * Reading values out of Groovy expressions without running them: literal strings and
 * their concatenations, GStrings whose `${...}` parts name environment variables, lists
 * and maps of those. Anything else is not guessed.
 */
import type { ImportContext } from './context';
import type { Argument, CallNode, Expr, Statement } from './syntax';

/** Jenkins' own variables that polyci's built-ins stand for. */
export const jenkinsBuiltins: Record<string, string> = {
  BUILD_NUMBER: 'POLYCI_BUILD_NUMBER',
  GIT_COMMIT: 'POLYCI_COMMIT_SHA',
  BRANCH_NAME: 'POLYCI_BRANCH',
};

/** `a.b.c` of a name/property chain, or undefined. */
export function dottedName(expr: Expr | undefined): string | undefined {
  if (!expr) return undefined;
  if (expr.kind === 'name') return expr.name;
  if (expr.kind === 'property') {
    const left = dottedName(expr.object);
    return left === undefined ? undefined : `${left}.${expr.name}`;
  }
  return undefined;
}

/** The name a call is made by: `sh`, `docker.image`, or undefined for computed callees. */
export function callName(call: CallNode): string | undefined {
  return dottedName(call.callee);
}

/** A statement as a call (`name(...) {...}`, `name args`, or a bare `name`), when it is one. */
export function statementCall(s: Statement): CallNode | undefined {
  if (s.kind !== 'expression') return undefined;
  if (s.expr.kind === 'call') return s.expr;
  if (s.expr.kind === 'name') return { kind: 'call', callee: s.expr, args: [], command: true, start: s.start, end: s.end };
  return undefined;
}

export function namedArg(call: CallNode, name: string): Expr | undefined {
  return call.args.find((a) => a.name === name)?.value;
}

export function positional(call: CallNode): Argument[] {
  return call.args.filter((a) => a.name === undefined);
}

/** The variable a `${...}` part stands for, in shell syntax, or undefined. */
function interpolationVariable(expr: Expr | undefined): string | undefined {
  if (!expr) return undefined;
  let name: string | undefined;
  if (expr.kind === 'name' && /^[A-Za-z_][A-Za-z0-9_]*$/.test(expr.name) && expr.name !== 'env' && expr.name !== 'params') name = expr.name;
  else if (expr.kind === 'property' && expr.object.kind === 'name' && (expr.object.name === 'env' || expr.object.name === 'params')) name = expr.name;
  else if (expr.kind === 'index' && expr.object.kind === 'name' && expr.object.name === 'env' && expr.index.kind === 'string') name = expr.index.value;
  else if (dottedName(expr) === 'currentBuild.number') name = 'BUILD_NUMBER';
  if (name === undefined || !/^[A-Za-z_][A-Za-z0-9_]*$/.test(name)) return undefined;
  return jenkinsBuiltins[name] ?? name;
}

/**
 * The string an expression evaluates to, with GString parts that name variables
 * written as shell references (`${NAME}`): Jenkins exports the same variables to `sh`.
 * Undefined when the value is computed.
 */
export function stringValue(expr: Expr | undefined, ctx: ImportContext, report = true, strict = false): string | undefined {
  if (!expr) return undefined;
  switch (expr.kind) {
    case 'string':
      return expr.value;
    case 'number':
      return expr.text;
    case 'constant':
      return expr.value === null ? undefined : String(expr.value);
    case 'gstring': {
      let out = '';
      for (const part of expr.parts) {
        if (typeof part === 'string') {
          out += part;
          continue;
        }
        const variable = interpolationVariable(part.expr);
        if (variable === undefined) {
          if (strict) return undefined;
          if (report) ctx.report('PCI041', 'warning', `the Groovy expression \${${part.source}} cannot be translated; it is kept as a shell reference`, part.start, 'replace it with an environment variable set in `environment {}`');
          out += `\${${part.source}}`;
        } else out += `\${${variable}}`;
      }
      return out;
    }
    case 'binary': {
      if (expr.op !== '+') return undefined;
      const left = stringValue(expr.left, ctx, report, strict);
      const right = stringValue(expr.right, ctx, report, strict);
      return left === undefined || right === undefined ? undefined : left + right;
    }
    default:
      return undefined;
  }
}

/** Is the value fixed in the source (no computation, no interpolation)? */
export function isLiteral(expr: Expr | undefined): boolean {
  if (!expr) return false;
  if (expr.kind === 'string' || expr.kind === 'number' || expr.kind === 'constant') return true;
  if (expr.kind === 'binary' && expr.op === '+') return isLiteral(expr.left) && isLiteral(expr.right);
  return false;
}

export function numberValue(expr: Expr | undefined): number | undefined {
  if (!expr) return undefined;
  if (expr.kind === 'number') return expr.value;
  if (expr.kind === 'string' && /^\d+$/.test(expr.value)) return Number(expr.value);
  return undefined;
}

export function booleanValue(expr: Expr | undefined): boolean | undefined {
  return expr?.kind === 'constant' && typeof expr.value === 'boolean' ? expr.value : undefined;
}

/** A JSON-like copy of a value for `vendor.jenkins`, or its source text when it is computed. */
export function plainValue(expr: Expr, ctx: ImportContext): unknown {
  switch (expr.kind) {
    case 'string':
      return expr.value;
    case 'number':
      return expr.value;
    case 'constant':
      return expr.value;
    case 'list':
      return expr.items.map((i) => plainValue(i, ctx));
    case 'map':
      return Object.fromEntries(expr.entries.map((e) => [typeof e.key === 'string' ? e.key : ctx.source(e.key), plainValue(e.value, ctx)]));
    default:
      return ctx.source(expr);
  }
}

/** The items of a list literal (a single value reads as a list of one). */
export function listItems(expr: Expr | undefined): Expr[] {
  if (!expr) return [];
  return expr.kind === 'list' ? expr.items : [expr];
}

/** Statements of the closure a call takes. */
export function body(call: CallNode): Statement[] {
  return call.closure?.body ?? [];
}
