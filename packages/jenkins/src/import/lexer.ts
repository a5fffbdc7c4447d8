/**
 * The Groovy tokens a declarative Jenkinsfile uses, as a chevrotain lexer.
 * https://groovy-lang.org/syntax.html
 *
 * Strings are matched by hand-written scanners: a GString holds `${...}` parts that may
 * nest braces and other strings, which no regular expression can balance. Newlines are
 * statement separators, except where Groovy continues a statement (inside parentheses and
 * brackets, after an operator or a comma, before `.method()` on the next line, before
 * `else`); `significantTokens` drops those.
 */
import type { IToken, Lexer, TokenType } from 'chevrotain';
import { chevrotain } from './chevrotain';

/** Index just past a string opened at `offset` by `quote` (', ", ''' or """), or -1. */
export function scanString(text: string, offset: number, quote: string): number {
  const triple = quote.length === 3;
  const interpolates = quote[0] === '"';
  let i = offset + quote.length;
  while (i < text.length) {
    const c = text[i];
    if (c === '\\') {
      // Groovy refuses escapes it does not know
      if (!validEscape.test(text.slice(i, i + 16))) return -1;
      i += 2;
      continue;
    }
    if (text.startsWith(quote, i)) return i + quote.length;
    if (!triple && (c === '\n' || c === '\r')) return -1;
    if (interpolates && c === '$') {
      if (text[i + 1] === '{') {
        const end = scanInterpolation(text, i + 2);
        if (end < 0) return -1;
        i = end;
        continue;
      }
      // "$" must start a name or ${...} in a GString
      if (!/[A-Za-z_]/.test(text[i + 1] ?? '')) return -1;
    }
    i++;
  }
  return -1;
}

const validEscape = /^\\(?:[btnfrs\\'"$]|u+[0-9a-fA-F]{4}|[0-7]|\r?\n)/;

/** Index just past the `}` closing a `${` whose body starts at `offset`, or -1. */
export function scanInterpolation(text: string, offset: number): number {
  let depth = 1;
  let i = offset;
  while (i < text.length) {
    const c = text[i];
    if (c === '{') depth++;
    else if (c === '}') {
      depth--;
      if (depth === 0) return i + 1;
    } else if (c === "'" || c === '"') {
      const quote = text.startsWith(c.repeat(3), i) ? c.repeat(3) : c;
      const end = scanString(text, i, quote);
      if (end < 0) return -1;
      i = end;
      continue;
    }
    i++;
  }
  return -1;
}

function stringPattern(quote: string) {
  return (text: string, offset: number): [string] | null => {
    if (!text.startsWith(quote, offset)) return null;
    // '' followed by ' is an empty string and a quote, but ''' opens a triple string
    if (quote.length === 1 && text.startsWith(quote.repeat(3), offset)) return null;
    const end = scanString(text, offset, quote);
    return end < 0 ? null : [text.slice(offset, end)];
  };
}

/** Tokens after which a `/` divides rather than opening a slashy string. */
const operandEnds = new Set(['Identifier', 'Number', 'SingleString', 'DoubleString', 'TripleSingleString', 'TripleDoubleString', 'SlashyString', 'RParen', 'RBracket', 'RCurly', 'True', 'False', 'Null', 'PlusPlus', 'MinusMinus']);

function slashyPattern(text: string, offset: number, tokens: IToken[]): [string] | null {
  if (text[offset] !== '/' || text[offset + 1] === '/' || text[offset + 1] === '*' || text[offset + 1] === '=') return null;
  const previous = tokens[tokens.length - 1];
  if (previous && operandEnds.has(previous.tokenType.name)) return null;
  let i = offset + 1;
  while (i < text.length) {
    const c = text[i];
    if (c === '\\' && text[i + 1] === '/') {
      i += 2;
      continue;
    }
    if (c === '/') return [text.slice(offset, i + 1)];
    if (c === '$' && text[i + 1] === '{') {
      const end = scanInterpolation(text, i + 2);
      if (end < 0) return null;
      i = end;
      continue;
    }
    i++;
  }
  return null;
}

export interface GroovyLexer {
  lexer: Lexer;
  tokens: Record<string, TokenType>;
  vocabulary: TokenType[];
}

let built: GroovyLexer | undefined;

/** The lexer and its token types (built once, on first use). */
export function groovyLexer(): GroovyLexer {
  if (built) return built;
  const { createToken, Lexer: ChevrotainLexer } = chevrotain();
  const t: Record<string, TokenType> = {};
  const vocabulary: TokenType[] = [];
  const token = (config: Parameters<typeof createToken>[0]): TokenType => {
    const tokenType = createToken(config);
    t[config.name] = tokenType;
    return tokenType;
  };

  // categories
  const BinaryOperator = token({ name: 'BinaryOperator', pattern: ChevrotainLexer.NA });
  const AssignOperator = token({ name: 'AssignOperator', pattern: ChevrotainLexer.NA });
  const StringLiteral = token({ name: 'StringLiteral', pattern: ChevrotainLexer.NA });
  const Keyword = token({ name: 'Keyword', pattern: ChevrotainLexer.NA });

  const Identifier = token({ name: 'Identifier', pattern: /[A-Za-z_$\u00c0-\u2027\u2030-\ufefe][A-Za-z0-9_$\u00c0-\u2027\u2030-\ufefe]*/ });
  const keyword = (name: string, word: string, categories: TokenType[] = []) =>
    token({ name, pattern: new RegExp(`${word}(?![A-Za-z0-9_$\\u00c0-\\uffff])`), longer_alt: Identifier, categories: [Keyword, ...categories] });

  vocabulary.push(
    token({ name: 'WhiteSpace', pattern: /[ \t\f\u00a0\ufeff]+/, group: ChevrotainLexer.SKIPPED }),
    token({ name: 'LineContinuation', pattern: /\\\r?\n/, group: ChevrotainLexer.SKIPPED, line_breaks: true }),
    token({ name: 'Shebang', pattern: { exec: (text: string, offset: number) => (offset === 0 ? /^#![^\r\n]*/.exec(text) : null) }, group: ChevrotainLexer.SKIPPED, line_breaks: false }),
    token({ name: 'BlockComment', pattern: /\/\*[\s\S]*?\*\//, group: ChevrotainLexer.SKIPPED, line_breaks: true }),
    token({ name: 'LineComment', pattern: /\/\/[^\r\n]*/, group: 'comments' }),
    token({ name: 'Newline', pattern: /\r\n|\r|\n|\u2028|\u2029|\u0085/, line_breaks: true }),
    token({ name: 'TripleDoubleString', pattern: { exec: stringPattern('"""') }, line_breaks: true, categories: [StringLiteral], start_chars_hint: ['"'] }),
    token({ name: 'TripleSingleString', pattern: { exec: stringPattern("'''") }, line_breaks: true, categories: [StringLiteral], start_chars_hint: ["'"] }),
    token({ name: 'DoubleString', pattern: { exec: stringPattern('"') }, line_breaks: false, categories: [StringLiteral], start_chars_hint: ['"'] }),
    token({ name: 'SingleString', pattern: { exec: stringPattern("'") }, line_breaks: false, categories: [StringLiteral], start_chars_hint: ["'"] }),
    token({ name: 'SlashyString', pattern: { exec: slashyPattern }, line_breaks: true, categories: [StringLiteral], start_chars_hint: ['/'] }),
    token({ name: 'Number', pattern: /0[xX][0-9a-fA-F_]+[lLgG]?|\d[\d_]*(?:\.\d+)?(?:[eE][+-]?\d+)?[lLgGdDfFiI]?/ }),
    keyword('Def', 'def'),
    keyword('If', 'if'),
    keyword('Else', 'else'),
    keyword('For', 'for'),
    keyword('While', 'while'),
    keyword('Try', 'try'),
    keyword('Catch', 'catch'),
    keyword('Finally', 'finally'),
    keyword('Return', 'return'),
    keyword('Throw', 'throw'),
    keyword('New', 'new'),
    keyword('True', 'true'),
    keyword('False', 'false'),
    keyword('Null', 'null'),
    keyword('Switch', 'switch'),
    keyword('Case', 'case'),
    keyword('Default', 'default'),
    keyword('Break', 'break'),
    keyword('Continue', 'continue'),
    keyword('Import', 'import'),
    keyword('Package', 'package'),
    keyword('Final', 'final'),
    keyword('Static', 'static'),
    keyword('In', 'in', [BinaryOperator]),
    keyword('Instanceof', 'instanceof', [BinaryOperator]),
    keyword('As', 'as', [BinaryOperator]),
    Identifier,
    token({ name: 'Arrow', pattern: /->/ }),
    token({ name: 'SafeDot', pattern: /\?\./ }),
    token({ name: 'SpreadDot', pattern: /\*\./ }),
    token({ name: 'Elvis', pattern: /\?:/, categories: [BinaryOperator] }),
    token({ name: 'PlusPlus', pattern: /\+\+/ }),
    token({ name: 'MinusMinus', pattern: /--/ }),
    token({ name: 'CompoundAssign', pattern: /(?:\+|-|\*\*|\*|\/|%|<<|>>>|>>|&|\||\^|\?)=/, categories: [AssignOperator] }),
    token({ name: 'Comparison', pattern: /==~|=~|===|!==|==|!=|<=>|<=|>=/, categories: [BinaryOperator] }),
    token({ name: 'Logical', pattern: /&&|\|\|/, categories: [BinaryOperator] }),
    token({ name: 'Shift', pattern: /<<|>>>|>>/, categories: [BinaryOperator] }),
    token({ name: 'Range', pattern: /\.\.<|\.\./, categories: [BinaryOperator] }),
    token({ name: 'Power', pattern: /\*\*/, categories: [BinaryOperator] }),
    token({ name: 'Assign', pattern: /=/, categories: [AssignOperator] }),
    token({ name: 'Plus', pattern: /\+/, categories: [BinaryOperator] }),
    token({ name: 'Minus', pattern: /-/, categories: [BinaryOperator] }),
    token({ name: 'Star', pattern: /\*/, categories: [BinaryOperator] }),
    token({ name: 'Slash', pattern: /\//, categories: [BinaryOperator] }),
    token({ name: 'OtherBinary', pattern: /[%&|^<>]/, categories: [BinaryOperator] }),
    token({ name: 'Bang', pattern: /!/ }),
    token({ name: 'Tilde', pattern: /~/ }),
    token({ name: 'Question', pattern: /\?/ }),
    token({ name: 'Colon', pattern: /:/ }),
    token({ name: 'Dot', pattern: /\./ }),
    token({ name: 'Comma', pattern: /,/ }),
    token({ name: 'Semicolon', pattern: /;/ }),
    token({ name: 'LParen', pattern: /\(/ }),
    token({ name: 'RParen', pattern: /\)/ }),
    token({ name: 'LBracket', pattern: /\[/ }),
    token({ name: 'RBracket', pattern: /]/ }),
    token({ name: 'LCurly', pattern: /{/ }),
    token({ name: 'RCurly', pattern: /}/ }),
    token({ name: 'At', pattern: /@/ }),
  );
  const all = [BinaryOperator, AssignOperator, StringLiteral, Keyword, ...vocabulary];
  const lexer = new ChevrotainLexer(vocabulary, { positionTracking: 'full', ensureOptimizations: false, skipValidations: true });
  built = { lexer, tokens: t, vocabulary: all };
  return built;
}

const continuesAfter = new Set(['Comma', 'Dot', 'SafeDot', 'SpreadDot', 'LParen', 'LBracket', 'LCurly', 'Arrow', 'Question', 'Colon', 'Bang', 'Assign', 'CompoundAssign', 'At']);
const continuesBefore = new Set(['Dot', 'SafeDot', 'SpreadDot', 'Else', 'Catch', 'Finally', 'LCurly']);

/**
 * The tokens the parser sees: newlines only where they end a statement, and at most one
 * separator in a row.
 */
export function significantTokens(tokens: IToken[]): IToken[] {
  const out: IToken[] = [];
  const open: string[] = [];
  const isSeparator = (tok: IToken | undefined) => tok !== undefined && (tok.tokenType.name === 'Newline' || tok.tokenType.name === 'Semicolon');
  for (let i = 0; i < tokens.length; i++) {
    const tok = tokens[i];
    const name = tok.tokenType.name;
    if (name === 'LParen' || name === 'LBracket' || name === 'LCurly') open.push(name);
    else if (name === 'RParen' || name === 'RBracket' || name === 'RCurly') open.pop();
    if (name === 'Newline') {
      const inside = open[open.length - 1];
      if (inside === 'LParen' || inside === 'LBracket') continue;
      const previous = out[out.length - 1];
      if (!previous || isSeparator(previous)) continue;
      const prevName = previous.tokenType.name;
      if (continuesAfter.has(prevName) || (previous.tokenType.CATEGORIES ?? []).some((c) => c.name === 'BinaryOperator')) continue;
      let j = i + 1;
      while (j < tokens.length && tokens[j].tokenType.name === 'Newline') j++;
      if (j < tokens.length && continuesBefore.has(tokens[j].tokenType.name)) continue;
      out.push(tok);
      continue;
    }
    if (name === 'Semicolon' && isSeparator(out[out.length - 1])) continue;
    out.push(tok);
  }
  return out;
}
