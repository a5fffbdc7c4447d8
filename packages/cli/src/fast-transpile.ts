/**
 * Most ci.config.ts files are JavaScript apart from their `import`/`export` lines and a
 * few type-only forms. For those, loading sucrase (~25-35 ms before its first transform,
 * then ~5 MB/s) costs more than the rest of a compile, so this scanner turns them into
 * CommonJS directly, in one pass, keeping every line where it was:
 *
 * - `import ... from 'm'` at the top of the file becomes `const ... = require('m')`, with
 *   sucrase's default/namespace interop; bindings never used as values are dropped, as
 *   TypeScript drops them; `import type` and `{ type X }` are blanked.
 * - `export default e`, `export const|let|var|function|class NAME` become CommonJS exports.
 * - `const x: T =`, `e satisfies T` and `e as T` lose their types (blanked with spaces).
 *
 * It answers `undefined` whenever it is not sure the result means what TypeScript means,
 * and the caller falls back to sucrase: a `<` in code (a generic call `f<T>(x)` is also
 * valid JavaScript, with another meaning), a `/` outside comments (division or a regular
 * expression: telling them apart needs a parser), decorators, non-ASCII identifiers, an
 * import after other code, an export form not listed above, a type it cannot delimit.
 * Any other TypeScript syntax is not JavaScript, so V8 rejects the result and the caller
 * falls back to sucrase then, which also reports real syntax errors.
 */

const BRACE = 1;
const PAREN = 2;
const BRACKET = 3;
const TEMPLATE = 4; // inside `${ ... }` of a template literal
const OBJECT = 5; // a brace that can only open an object literal
const CONTROL = 6; // the parenthesis after if/while/for/with: a statement follows it

/**
 * Punctuators after which `{` opens an object literal, not a block. After any other
 * token (`)`, `=>`, `;`, `else` ...) a `}` may close a block, and an `as` after it would
 * start a statement: the scanner then reads `as` as a name and lets V8 decide.
 */
const objectBefore = new Set(['(', ',', ':', '=', '[', '?', '|', '&', '+', '-', '!', '~', '*', '%', '^'].map((c) => c.charCodeAt(0)));
const controlWords = new Set(['if', 'while', 'for', 'with']);
const objectAfterWords = new Set(['return', 'yield', 'await', 'typeof', 'void', 'delete', 'case', 'in', 'of', 'instanceof', 'throw']);

/** Kinds of the previous significant token: whether an `as` after it is an operator. */
const START = 0; // nothing yet, or an operator/punctuator: an expression may start here
const VALUE = 1; // identifier, literal or closing bracket: an expression may end here
const KEYWORD = 2; // a word after which an expression starts (`return as` reads `as`)

const expressionKeywords = new Set([
  'return', 'typeof', 'void', 'delete', 'await', 'yield', 'case', 'in', 'of', 'instanceof', 'new', 'throw', 'else', 'do',
  'extends', 'export', 'default', 'import', 'const', 'let', 'var', 'function', 'class',
]);

const isIdentStart = (c: number): boolean => (c >= 97 && c <= 122) || (c >= 65 && c <= 90) || c === 95 || c === 36;
const isIdentPart = (c: number): boolean => isIdentStart(c) || (c >= 48 && c <= 57);
const isDigit = (c: number): boolean => c >= 48 && c <= 57;
const isNewline = (c: number): boolean => c === 10 || c === 13 || c === 0x2028 || c === 0x2029;
const isSpace = (c: number): boolean => c === 32 || c === 9 || c === 11 || c === 12 || c === 0xa0 || c === 0xfeff;

class Unsure extends Error {}
const unsure = (): never => {
  throw new Unsure();
};

interface Edit {
  start: number;
  end: number;
  text: string;
}

interface ImportBinding {
  local: string;
  /** `default`, `*` or the imported name. */
  imported: string;
}

interface ImportDecl {
  start: number;
  end: number;
  spec: string;
  bindings: ImportBinding[];
  /** `import 'm'`: kept for its side effects. */
  bare: boolean;
}

/** Same length, same line breaks: positions after it do not move. */
function blankText(text: string): string {
  let out = '';
  for (let i = 0; i < text.length; i++) out += isNewline(text.charCodeAt(i)) ? text[i] : ' ';
  return out;
}

class Scanner {
  private i = 0;
  private readonly stack: number[] = [];
  private prev = START;
  /** A line break between the previous token and the current one. */
  private newline = false;
  private header = true;
  private readonly edits: Edit[] = [];
  private readonly imports: ImportDecl[] = [];
  private readonly exported: string[] = [];
  /** Local names of the imports, and those of them used outside imports and types. */
  private readonly imported = new Set<string>();
  private readonly used = new Set<string>();
  private esm = false;
  private defaultExport = false;
  /** The previous token is a `.` (or `?.`): a word here is a property name, not a variable. */
  private dot = false;
  /** The last token was this punctuator (0: it was not a punctuator). */
  private punct = 0;
  /** The last token was `if`/`while`/`for`/`with`: a statement follows its parenthesis. */
  private control = false;
  /** The last token was a word after which `{` opens an object (`return {`, `export default {`). */
  private expressionNext = false;

  constructor(private readonly src: string) {}

  run(): string {
    const src = this.src;
    const n = src.length;
    while (this.i < n) {
      const c = src.charCodeAt(this.i);
      if (isNewline(c)) {
        this.newline = true;
        this.i++;
        continue;
      }
      if (isSpace(c)) {
        let j = this.i + 1;
        while (src.charCodeAt(j) === 32) j++; // indentation: most of a large config
        this.i = j;
        continue;
      }
      if (c === 47 /* / */) {
        this.comment();
        continue;
      }
      const start = this.i;
      if (c === 39 || c === 34) {
        this.i = this.skipString(this.i);
        this.token(VALUE);
      } else if (c === 96 /* ` */) {
        this.i++;
        this.templateText();
      } else if (isIdentStart(c)) {
        this.word(start);
      } else if (isDigit(c) || (c === 46 && isDigit(src.charCodeAt(this.i + 1)))) {
        while (this.i < n && (isIdentPart(src.charCodeAt(this.i)) || src.charCodeAt(this.i) === 46)) this.i++;
        this.token(VALUE);
      } else {
        this.punctuator(c);
      }
    }
    if (this.stack.length) unsure();
    return this.output();
  }

  private token(kind: number): void {
    this.header = false;
    this.prev = kind;
    this.newline = false;
    this.dot = false;
    this.punct = 0;
    this.control = false;
    this.expressionNext = false;
  }

  /** At a `/`: a comment, or unsure (division or a regular expression). */
  private comment(): void {
    const src = this.src;
    const next = src.charCodeAt(this.i + 1);
    if (next === 47) {
      let j = this.i + 2;
      while (j < src.length && !isNewline(src.charCodeAt(j))) j++;
      this.i = j;
    } else if (next === 42) {
      const end = src.indexOf('*/', this.i + 2);
      if (end < 0) unsure();
      for (let j = this.i + 2; j < end; j++) if (isNewline(src.charCodeAt(j))) this.newline = true;
      this.i = end + 2;
    } else {
      unsure();
    }
  }

  /** Index after the closing quote of the string that opens at `at`. */
  private skipString(at: number): number {
    const src = this.src;
    const quote = src.charCodeAt(at);
    let j = at + 1;
    for (;;) {
      if (j >= src.length) return unsure();
      const c = src.charCodeAt(j);
      if (c === quote) return j + 1;
      if (c === 92) j += 2;
      else if (c === 10 || c === 13) return unsure();
      else j++;
    }
  }

  /** Inside a template literal's text: up to its end, or into a `${` expression. */
  private templateText(): void {
    const src = this.src;
    let j = this.i;
    for (;;) {
      if (j >= src.length) unsure();
      const c = src.charCodeAt(j);
      if (c === 92) {
        j += 2;
      } else if (c === 96) {
        this.i = j + 1;
        this.token(VALUE);
        return;
      } else if (c === 36 && src.charCodeAt(j + 1) === 123) {
        this.stack.push(TEMPLATE);
        this.i = j + 2;
        this.token(START);
        return;
      } else {
        j++;
      }
    }
  }

  private punctuator(c: number): void {
    const src = this.src;
    switch (c) {
      case 123 /* { */:
        this.stack.push(objectBefore.has(this.punct) || this.expressionNext ? OBJECT : BRACE);
        this.i++;
        this.token(START);
        this.punct = c;
        return;
      case 40 /* ( */:
        this.stack.push(this.control ? CONTROL : PAREN);
        this.i++;
        this.token(START);
        this.punct = c;
        return;
      case 91 /* [ */:
        this.stack.push(BRACKET);
        this.i++;
        this.token(START);
        this.punct = c;
        return;
      case 125 /* } */: {
        const top = this.stack.pop();
        this.i++;
        if (top === TEMPLATE) return this.templateText();
        if (top !== BRACE && top !== OBJECT) unsure();
        // Only an object literal's `}` surely ends an expression (`{...} satisfies T`).
        this.token(top === OBJECT ? VALUE : START);
        return;
      }
      case 41 /* ) */: {
        const top = this.stack.pop();
        if (top !== PAREN && top !== CONTROL) unsure();
        this.i++;
        this.token(top === CONTROL ? START : VALUE);
        return;
      }
      case 93 /* ] */:
        if (this.stack.pop() !== BRACKET) unsure();
        this.i++;
        this.token(VALUE);
        return;
      case 60 /* < */:
      case 64 /* @ */:
      case 35 /* # */:
      case 92 /* \ */:
        return unsure();
      default:
        if (c > 127) unsure();
        if (c === 46) {
          const spread = src.charCodeAt(this.i + 1) === 46 && src.charCodeAt(this.i + 2) === 46;
          this.i += spread ? 3 : 1;
          this.token(START);
          this.dot = !spread;
          return;
        }
        // `x++`/`x--` end an expression; any other punctuator starts one.
        if ((c === 43 || c === 45) && src.charCodeAt(this.i + 1) === c && this.prev === VALUE) {
          this.i += 2;
          this.token(VALUE);
          return;
        }
        this.i++;
        this.token(START);
        this.punct = c;
    }
  }

  private readWord(at: number): string {
    let j = at;
    while (j < this.src.length && isIdentPart(this.src.charCodeAt(j))) j++;
    if (j < this.src.length && (this.src.charCodeAt(j) === 92 || this.src.charCodeAt(j) > 127)) unsure();
    return this.src.slice(at, j);
  }

  /** Index of the next significant character from `at` (spaces, line breaks, comments skipped). */
  private skipTrivia(at: number): number {
    const src = this.src;
    let j = at;
    for (;;) {
      const c = src.charCodeAt(j);
      if (isSpace(c) || isNewline(c)) j++;
      else if (c === 47 && src.charCodeAt(j + 1) === 47) {
        while (j < src.length && !isNewline(src.charCodeAt(j))) j++;
      } else if (c === 47 && src.charCodeAt(j + 1) === 42) {
        const end = src.indexOf('*/', j + 2);
        if (end < 0) unsure();
        j = end + 2;
      } else return j;
    }
  }

  private hasNewline(from: number, to: number): boolean {
    for (let j = from; j < to; j++) if (isNewline(this.src.charCodeAt(j))) return true;
    return false;
  }

  private word(start: number): void {
    const src = this.src;
    const w = this.readWord(start);
    this.i = start + w.length;
    const afterDot = this.dot;
    const topLevel = this.stack.length === 0;

    if (w === 'import' && !afterDot) {
      if (!topLevel || !this.header) unsure();
      this.importDeclaration(start);
      return;
    }
    if (w === 'export' && !afterDot) {
      if (!topLevel) unsure();
      this.exportDeclaration(start);
      return;
    }
    if ((w === 'as' || w === 'satisfies') && this.prev === VALUE && !this.newline) {
      const end = this.skipType(this.i);
      this.edits.push({ start, end, text: blankText(src.slice(start, end)) });
      this.i = end;
      this.prev = VALUE;
      this.newline = false;
      return;
    }
    if ((w === 'const' || w === 'let' || w === 'var') && !afterDot) {
      this.token(KEYWORD);
      this.annotatedBinding();
      return;
    }
    if (!afterDot && this.imported.has(w)) this.used.add(w);
    this.token(expressionKeywords.has(w) ? KEYWORD : VALUE);
    if (!afterDot) {
      this.control = controlWords.has(w);
      this.expressionNext = objectAfterWords.has(w);
    }
  }

  /** After `const`/`let`/`var`: `name: Type =` loses its type. */
  private annotatedBinding(): void {
    const src = this.src;
    const j = this.skipTrivia(this.i);
    if (!isIdentStart(src.charCodeAt(j))) return;
    const name = this.readWord(j);
    const k = this.skipTrivia(j + name.length);
    if (src.charCodeAt(k) !== 58 /* : */) return;
    const end = this.skipType(k + 1);
    const eq = this.skipTrivia(end);
    if (src.charCodeAt(eq) !== 61 || src.charCodeAt(eq + 1) === 62 || src.charCodeAt(eq + 1) === 61) unsure();
    this.edits.push({ start: k, end, text: blankText(src.slice(k, end)) });
    if (this.imported.has(name)) this.used.add(name);
    this.i = end;
    this.prev = VALUE;
    this.newline = false;
  }

  /**
   * The end of the type that starts at `at` (after `:`, `as` or `satisfies`), as
   * TypeScript delimits it: a union/intersection of names, literals and bracketed
   * types, ended by the first token that cannot continue a type (`,`, `)`, `=`, `;`,
   * `?`, `:`, a binary operator, a line break before anything but `|`/`&`).
   */
  private skipType(at: number): number {
    const src = this.src;
    const nested: number[] = [];
    let expectTerm = true;
    let lastWasName = false;
    let end = at;
    let j = at;
    for (;;) {
      const k = this.skipTrivia(j);
      const brokeLine = this.hasNewline(j, k);
      j = k;
      if (j >= src.length) {
        if (nested.length || expectTerm) unsure();
        return end;
      }
      const c = src.charCodeAt(j);
      if (nested.length) {
        if (c === 39 || c === 34) j = this.skipString(j);
        else if (c === 96 || c === 92 || c > 127 || c === 47) unsure(); // skipTrivia took the comments
        else if (c === 61 && src.charCodeAt(j + 1) === 62) j += 2;
        else if (c === 60 || c === 40 || c === 91 || c === 123) {
          nested.push(c === 60 ? 62 : c === 40 ? 41 : c === 91 ? 93 : 125);
          j++;
        } else if (c === 62 || c === 41 || c === 93 || c === 125) {
          if (nested.pop() !== c) unsure();
          j++;
          if (!nested.length) {
            expectTerm = false;
            lastWasName = false;
            end = j;
          }
        } else if (isIdentStart(c)) {
          const w = this.readWord(j);
          if (w === 'extends' || w === 'infer') unsure();
          j += w.length;
        } else j++;
        continue;
      }
      if (expectTerm) {
        if (isIdentStart(c)) {
          const w = this.readWord(j);
          if (w === 'extends' || w === 'infer' || w === 'is' || w === 'asserts' || w === 'function' || w === 'new') unsure();
          j += w.length;
          end = j;
          if (w !== 'typeof' && w !== 'keyof' && w !== 'readonly' && w !== 'unique') {
            expectTerm = false;
            lastWasName = true;
          }
        } else if (c === 39 || c === 34) {
          j = this.skipString(j);
          end = j;
          expectTerm = false;
          lastWasName = false;
        } else if (isDigit(c)) {
          while (j < src.length && (isIdentPart(src.charCodeAt(j)) || src.charCodeAt(j) === 46)) j++;
          end = j;
          expectTerm = false;
          lastWasName = false;
        } else if (c === 40 || c === 91 || c === 123) {
          nested.push(c === 40 ? 41 : c === 91 ? 93 : 125);
          j++;
        } else if ((c === 124 || c === 38) && src.charCodeAt(j + 1) !== c) {
          j++; // a leading `|` or `&`
        } else {
          unsure();
        }
        continue;
      }
      // After a complete type term: what may continue the type.
      if ((c === 124 || c === 38) && src.charCodeAt(j + 1) !== c) {
        j++;
        expectTerm = true;
      } else if (brokeLine) {
        // TypeScript ends a type at a line break unless `|`/`&` continues it; JavaScript
        // would read a `.` or `[` here as part of the expression before the type.
        if (c === 46 || c === 91 || c === 60) unsure();
        return end;
      } else if (c === 46 && lastWasName && isIdentStart(src.charCodeAt(j + 1))) {
        j++;
        expectTerm = true;
      } else if (c === 91) {
        nested.push(93);
        j++;
      } else if (c === 60 && lastWasName) {
        nested.push(62);
        j++;
      } else if (c === 61 && src.charCodeAt(j + 1) === 62) {
        j += 2;
        expectTerm = true;
      } else {
        return end;
      }
    }
  }

  /** Index after the optional `;` that ends a statement whose last token ends at `at`. */
  private statementEnd(at: number): number {
    const j = this.skipTrivia(at);
    if (this.src.charCodeAt(j) === 59) return j + 1;
    // Without a `;`, the next token must start a new line (or the file must end).
    if (j < this.src.length && !this.hasNewline(at, j)) unsure();
    return at;
  }

  /** A string literal without escapes at `at`: its value and the index after it. */
  private moduleSpecifier(at: number): { spec: string; end: number } {
    const c = this.src.charCodeAt(at);
    if (c !== 39 && c !== 34) unsure();
    const end = this.skipString(at);
    const spec = this.src.slice(at + 1, end - 1);
    if (spec.includes('\\')) unsure();
    return { spec, end };
  }

  private expectWord(at: number, word: string): number {
    const j = this.skipTrivia(at);
    if (!isIdentStart(this.src.charCodeAt(j)) || this.readWord(j) !== word) unsure();
    return j + word.length;
  }

  private identifier(at: number): { name: string; end: number } {
    const j = this.skipTrivia(at);
    if (!isIdentStart(this.src.charCodeAt(j))) unsure();
    const name = this.readWord(j);
    return { name, end: j + name.length };
  }

  private importDeclaration(start: number): void {
    const src = this.src;
    this.esm = true;
    let j = this.skipTrivia(this.i);
    const c = src.charCodeAt(j);
    const bindings: ImportBinding[] = [];
    let typeOnly = false;
    if (c === 39 || c === 34) {
      const { spec, end } = this.moduleSpecifier(j);
      this.finishImport(start, this.statementEnd(end), spec, bindings, true);
      return;
    }
    if (c === 40 || c === 46) unsure(); // import(...), import.meta
    if (isIdentStart(c)) {
      let name = this.readWord(j);
      j += name.length;
      if (name === 'type') {
        const k = this.skipTrivia(j);
        const next = src.charCodeAt(k);
        const fromFollows = isIdentStart(next) && this.readWord(k) === 'from' && this.isQuoteAfter(k + 4);
        if (!fromFollows && next !== 44 /* , */) {
          typeOnly = true;
          j = k;
          if (isIdentStart(next)) {
            name = this.readWord(k);
            j = k + name.length;
            bindings.push({ local: name, imported: 'default' });
          }
        } else bindings.push({ local: name, imported: 'default' });
      } else bindings.push({ local: name, imported: 'default' });
      j = this.skipTrivia(j);
      if (src.charCodeAt(j) === 44) j = this.skipTrivia(j + 1);
      else if (!typeOnly || bindings.length) {
        j = this.expectWord(j, 'from');
        return this.afterFrom(start, j, bindings, typeOnly);
      }
    }
    j = this.skipTrivia(j);
    if (src.charCodeAt(j) === 42 /* * */) {
      const local = this.identifier(this.expectWord(j + 1, 'as'));
      bindings.push({ local: local.name, imported: '*' });
      j = local.end;
    } else if (src.charCodeAt(j) === 123) {
      j = this.namedImports(j + 1, bindings, typeOnly);
    } else unsure();
    j = this.expectWord(j, 'from');
    this.afterFrom(start, j, bindings, typeOnly);
  }

  private isQuoteAfter(at: number): boolean {
    const c = this.src.charCodeAt(this.skipTrivia(at));
    return c === 39 || c === 34;
  }

  private afterFrom(start: number, at: number, bindings: ImportBinding[], typeOnly: boolean): void {
    const { spec, end } = this.moduleSpecifier(this.skipTrivia(at));
    const after = this.skipTrivia(end);
    if (isIdentStart(this.src.charCodeAt(after)) && /^(with|assert)$/.test(this.readWord(after)) && !this.hasNewline(end, after)) unsure();
    this.finishImport(start, this.statementEnd(end), spec, typeOnly ? [] : bindings, false);
  }

  /** `{ a, b as c, type T, }`: value bindings into `bindings`; the index after `}`. */
  private namedImports(at: number, bindings: ImportBinding[], typeOnly: boolean): number {
    const src = this.src;
    let j = at;
    for (;;) {
      j = this.skipTrivia(j);
      if (src.charCodeAt(j) === 125) return j + 1;
      if (!isIdentStart(src.charCodeAt(j))) unsure();
      let imported = this.readWord(j);
      j += imported.length;
      let isType = typeOnly;
      let k = this.skipTrivia(j);
      if (imported === 'type' && isIdentStart(src.charCodeAt(k))) {
        const next = this.readWord(k);
        if (next === 'as') unsure(); // `type as ...`: too ambiguous to bother
        isType = true;
        imported = next;
        j = k + next.length;
        k = this.skipTrivia(j);
      }
      let local = imported;
      if (isIdentStart(src.charCodeAt(k)) && this.readWord(k) === 'as') {
        const alias = this.identifier(k + 2);
        local = alias.name;
        j = alias.end;
        k = this.skipTrivia(j);
      }
      if (!isType) bindings.push({ local, imported });
      if (src.charCodeAt(k) === 44) j = k + 1;
      else if (src.charCodeAt(k) === 125) return k + 1;
      else unsure();
    }
  }

  private finishImport(start: number, end: number, spec: string, bindings: ImportBinding[], bare: boolean): void {
    this.imports.push({ start, end, spec, bindings, bare });
    for (const b of bindings) this.imported.add(b.local);
    this.i = end;
    this.prev = START;
    this.newline = false;
    // still in the header: the next token may be another import
  }

  private exportDeclaration(start: number): void {
    const src = this.src;
    this.esm = true;
    const j = this.skipTrivia(this.i);
    const w = isIdentStart(src.charCodeAt(j)) ? this.readWord(j) : '';
    if (w === 'default') {
      const after = this.skipTrivia(j + 7);
      const next = isIdentStart(src.charCodeAt(after)) ? this.readWord(after) : '';
      if (next === 'function' || next === 'class' || next === 'async' || next === 'interface' || next === 'abstract') unsure();
      this.edits.push({ start, end: j + 7, text: 'exports.default =' });
      this.defaultExport = true;
      this.i = j + 7;
      this.token(KEYWORD);
      this.expressionNext = true;
      return;
    }
    let nameAt = this.skipTrivia(j + w.length);
    if (w === 'const' || w === 'let' || w === 'var' || w === 'function' || w === 'class' || w === 'async') {
      if (w === 'async') nameAt = this.skipTrivia(this.expectWord(nameAt, 'function'));
      if (w === 'function' && src.charCodeAt(nameAt) === 42) unsure(); // generators: keep it simple
      const { name } = this.identifier(nameAt);
      if (w === 'const' && name === 'enum') unsure();
      this.exported.push(name);
      this.edits.push({ start, end: start + 6, text: '      ' });
      this.i = j; // the declaration itself is scanned as ordinary code
      this.header = false;
      return;
    }
    unsure();
  }

  private output(): string {
    const src = this.src;
    for (const decl of this.imports) {
      const used = decl.bindings.filter((b) => this.used.has(b.local));
      const lines = blankText(src.slice(decl.start, decl.end)).replace(/ /g, '');
      const req = `require(${JSON.stringify(decl.spec)})`;
      let text: string;
      if (decl.bare) text = `${req};`;
      else if (!used.length) text = '';
      else {
        const named = used.filter((b) => b.imported !== 'default' && b.imported !== '*');
        const pattern = named.length ? `{ ${named.map((b) => (b.local === b.imported ? b.local : `${b.imported}: ${b.local}`)).join(', ')} }` : '';
        const interop = used.filter((b) => b.imported === 'default' || b.imported === '*');
        if (!interop.length) text = `const ${pattern} = ${req};`;
        else {
          // One require, as sucrase does, with its interop for default and namespace imports.
          const views: string[] = interop.map((b) => (b.imported === 'default' ? 'm && m.__esModule ? m.default : m' : 'm && m.__esModule ? m : Object.assign({}, m, { default: m })'));
          if (pattern) views.push('m');
          text = `const [${[...interop.map((b) => b.local), ...(pattern ? [pattern] : [])].join(', ')}] = ((m) => [${views.join(', ')}])(${req});`;
        }
      }
      this.edits.push({ start: decl.start, end: decl.end, text: text + lines });
    }
    this.edits.sort((a, b) => a.start - b.start);
    let out = '';
    let at = 0;
    for (const e of this.edits) {
      if (e.start < at) unsure();
      out += src.slice(at, e.start) + e.text;
      at = e.end;
    }
    out += src.slice(at);
    // Strict, and marked as an ES module when it exports, as sucrase's output is.
    out = `"use strict";${out}`;
    if (this.esm && (this.exported.length || this.defaultExport)) {
      out += '\n;Object.defineProperty(exports, "__esModule", { value: true });';
      for (const name of this.exported) out += ` exports.${name} = ${name};`;
    }
    return out;
  }
}

/** CommonJS for `source`, or `undefined` when sucrase must do it (see above). */
export function fastTranspile(source: string): string | undefined {
  try {
    return new Scanner(source).run();
  } catch (error) {
    if (error instanceof Unsure) return undefined;
    throw error;
  }
}
