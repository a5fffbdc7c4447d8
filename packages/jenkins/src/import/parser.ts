/**
 * A chevrotain grammar for the Groovy subset Jenkinsfiles are written in: statements
 * `name(args) { block }`, `name args`, `name { block }`, `name = expr`, declarations and
 * methods, if/for/while/try/switch, and expressions (calls with named arguments, lists,
 * maps, closures, property access, operators, GStrings). It builds `syntax.ts` nodes.
 * https://groovy-lang.org/syntax.html
 */
import type { EmbeddedActionsParser, IToken, TokenType } from 'chevrotain';
import { chevrotain } from './chevrotain';
import { groovyLexer, significantTokens } from './lexer';
import { stringParts } from './strings';
import type { Argument, ClosureNode, Expr, Span, Statement } from './syntax';

export interface SyntaxError {
  message: string;
  offset: number;
  line?: number;
  column?: number;
}

export interface ParseResult {
  statements: Statement[];
  errors: SyntaxError[];
  /** `//` comments, for what polyci writes in them (the pipeline's name). */
  comments: { text: string; offset: number }[];
}

type Interpolation = { expr: Expr | undefined; source: string; start: number };

type GroovyParser = EmbeddedActionsParser & {
  compilationUnit(): Statement[];
  expressionEntry(): Expr;
  baseOffset: number;
  /** GString parts seen during a parse, read after it: the parser is not re-entrant. */
  pending: Interpolation[];
};

let parserInstance: GroovyParser | undefined;

function createParser(): GroovyParser {
  const { EmbeddedActionsParser: Base } = chevrotain();
  const { tokens: T, vocabulary } = groovyLexer();
  const tok = (name: string): TokenType => T[name];

  class Parser extends Base {
    baseOffset = 0;
    pending: Interpolation[] = [];

    constructor() {
      super(vocabulary, { maxLookahead: 2, recoveryEnabled: false, skipValidations: true });
      this.performSelfAnalysis();
    }

    private span(first: IToken | undefined, last: IToken | undefined): Span {
      // during grammar recording tokens are placeholders
      if (!first || typeof first.startOffset !== 'number' || Number.isNaN(first.startOffset)) return { start: 0, end: 0 };
      const lastToken = last && typeof last.endOffset === 'number' && !Number.isNaN(last.endOffset) ? last : first;
      return { start: first.startOffset + this.baseOffset, end: this.endOf(lastToken) };
    }

    private endOf(t: IToken): number {
      return (t.endOffset ?? t.startOffset) + 1 + this.baseOffset;
    }

    private last(): IToken {
      return this.LA(0);
    }

    private nodeSpan(from: Span, to: Span): Span {
      return { start: from.start, end: to.end };
    }

    compilationUnit = this.RULE('compilationUnit', (): Statement[] => this.SUBRULE(this.statements));

    expressionEntry = this.RULE('expressionEntry', (): Expr => this.SUBRULE(this.expression));

    statements = this.RULE('statements', (): Statement[] => {
      const list: Statement[] = [];
      this.MANY(() => {
        this.OR([
          { ALT: () => this.CONSUME(tok('Newline')) },
          { ALT: () => this.CONSUME(tok('Semicolon')) },
          {
            ALT: () => {
              const s = this.SUBRULE(this.statement);
              this.ACTION(() => list.push(s));
            },
          },
        ]);
      });
      return list;
    });

    block = this.RULE('block', (): Statement[] => {
      this.CONSUME(tok('LCurly'));
      const body = this.SUBRULE(this.statements);
      this.CONSUME(tok('RCurly'));
      return body;
    });

    blockOrStatement = this.RULE('blockOrStatement', (): Statement[] =>
      this.OR([
        { ALT: () => this.SUBRULE(this.block) },
        { ALT: () => [this.SUBRULE(this.statement)] },
      ]),
    );

    qualifiedName = this.RULE('qualifiedName', (): string => {
      let name = this.CONSUME(tok('Identifier')).image;
      this.MANY(() => {
        this.CONSUME(tok('Dot'));
        const part = this.OR([
          { ALT: () => this.CONSUME2(tok('Identifier')) },
          { ALT: () => this.CONSUME(tok('Keyword')) },
          { ALT: () => this.CONSUME(tok('Star')) },
        ]);
        name += `.${part.image}`;
      });
      return name;
    });

    statement = this.RULE('statement', (): Statement => {
      const first = this.LA(1);
      return this.OR<Statement>([
        {
          ALT: () => {
            const kw = this.OR2([{ ALT: () => this.CONSUME(tok('Import')) }, { ALT: () => this.CONSUME(tok('Package')) }]);
            this.OPTION(() => this.CONSUME(tok('Static')));
            const name = this.SUBRULE(this.qualifiedName);
            this.OPTION2(() => {
              this.CONSUME(tok('As'));
              this.CONSUME(tok('Identifier'));
            });
            return { kind: 'import', text: `${kw.image} ${name}`, ...this.span(first, this.last()) };
          },
        },
        {
          ALT: () => {
            this.CONSUME(tok('At'));
            const name = this.SUBRULE2(this.qualifiedName);
            const args = this.OPTION3(() => this.SUBRULE(this.callArguments)) ?? [];
            return { kind: 'annotation', text: name, args, ...this.span(first, this.last()) };
          },
        },
        { ALT: () => this.SUBRULE(this.ifStatement) },
        { ALT: () => this.SUBRULE(this.forStatement) },
        { ALT: () => this.SUBRULE(this.whileStatement) },
        { ALT: () => this.SUBRULE(this.tryStatement) },
        { ALT: () => this.SUBRULE(this.switchStatement) },
        {
          ALT: () => {
            this.CONSUME(tok('Return'));
            this.OPTION4(() => this.SUBRULE(this.expression));
            return { kind: 'return', text: 'return', ...this.span(first, this.last()) };
          },
        },
        {
          ALT: () => {
            this.CONSUME(tok('Throw'));
            this.SUBRULE2(this.expression);
            return { kind: 'throw', text: 'throw', ...this.span(first, this.last()) };
          },
        },
        {
          ALT: () => {
            const kw = this.OR3([{ ALT: () => this.CONSUME(tok('Break')) }, { ALT: () => this.CONSUME(tok('Continue')) }]);
            return { kind: 'jump', text: kw.image, ...this.span(first, this.last()) };
          },
        },
        {
          ALT: () => {
            this.OR4([
              {
                ALT: () => {
                  this.CONSUME(tok('Case'));
                  this.SUBRULE3(this.expression);
                },
              },
              { ALT: () => this.CONSUME(tok('Default')) },
            ]);
            this.CONSUME(tok('Colon'));
            return { kind: 'label', text: 'case', ...this.span(first, this.last()) };
          },
        },
        {
          // a statement label (`retry: for (...)`): Groovy allows one before any statement
          GATE: () => this.LA(1).tokenType === tok('Identifier') && this.LA(2).tokenType === tok('Colon'),
          ALT: () => {
            this.CONSUME2(tok('Identifier'));
            this.CONSUME2(tok('Colon'));
            return { kind: 'label', text: 'label', ...this.span(first, this.last()) };
          },
        },
        { ALT: () => this.SUBRULE(this.declaration) },
        {
          GATE: () => this.LA(1).tokenType === tok('Identifier') && this.LA(2).tokenType === tok('Identifier') && (this.LA(3).tokenType === tok('Assign') || this.typedMethodAhead()),
          ALT: () => this.SUBRULE(this.typedDeclaration),
        },
        { ALT: () => this.SUBRULE(this.expressionStatement) },
      ]);
    });

    /** `Type name(` ... `) {`: a method declared with a return type instead of `def`. */
    private typedMethodAhead(): boolean {
      if (this.LA(3).tokenType !== tok('LParen')) return false;
      let depth = 0;
      for (let i = 3; i < 400; i++) {
        const t = this.LA(i).tokenType;
        if (t === tok('LParen')) depth++;
        else if (t === tok('RParen')) {
          depth--;
          if (depth === 0) return this.LA(i + 1).tokenType === tok('LCurly');
        } else if (t.name === 'EOF') return false;
      }
      return false;
    }

    declaration = this.RULE('declaration', (): Statement => {
      const first = this.LA(1);
      this.AT_LEAST_ONE(() => {
        this.OR([{ ALT: () => this.CONSUME(tok('Def')) }, { ALT: () => this.CONSUME(tok('Final')) }, { ALT: () => this.CONSUME(tok('Static')) }]);
      });
      this.OPTION({
        GATE: () => this.LA(2).tokenType === tok('Identifier'),
        DEF: () => this.CONSUME(tok('Identifier')),
      });
      return this.SUBRULE(this.declarationRest, { ARGS: [first] });
    });

    typedDeclaration = this.RULE('typedDeclaration', (): Statement => {
      const first = this.CONSUME(tok('Identifier'));
      return this.SUBRULE(this.declarationRest, { ARGS: [first] });
    });

    declarationRest = this.RULE('declarationRest', (first?: IToken): Statement => {
      const nameToken = this.CONSUME(tok('Identifier'));
      return this.OR([
        {
          ALT: () => {
            this.CONSUME(tok('LParen'));
            const params: string[] = [];
            this.MANY_SEP({
              SEP: tok('Comma'),
              DEF: () => {
                const p = this.SUBRULE(this.parameter);
                this.ACTION(() => params.push(p));
              },
            });
            this.CONSUME(tok('RParen'));
            const body = this.SUBRULE(this.block);
            return { kind: 'method', name: nameToken.image, params, body, ...this.span(first ?? nameToken, this.last()) } as Statement;
          },
        },
        {
          ALT: () => {
            let value: Expr | undefined;
            this.OPTION(() => {
              this.CONSUME(tok('Assign'));
              value = this.SUBRULE(this.expression);
            });
            return { kind: 'declaration', name: nameToken.image, value, ...this.span(first ?? nameToken, this.last()) } as Statement;
          },
        },
      ]);
    });

    parameter = this.RULE('parameter', (): string => {
      this.OPTION(() => this.CONSUME(tok('Def')));
      let name = this.CONSUME(tok('Identifier')).image;
      this.OPTION2(() => {
        name = this.CONSUME2(tok('Identifier')).image;
      });
      this.OPTION3(() => {
        this.CONSUME(tok('Assign'));
        this.SUBRULE(this.expression);
      });
      return name;
    });

    ifStatement = this.RULE('ifStatement', (): Statement => {
      const first = this.CONSUME(tok('If'));
      this.CONSUME(tok('LParen'));
      this.SUBRULE(this.expression);
      this.CONSUME(tok('RParen'));
      const blocks: Statement[][] = [this.SUBRULE(this.blockOrStatement)];
      this.OPTION(() => {
        this.CONSUME(tok('Else'));
        const otherwise = this.SUBRULE2(this.blockOrStatement);
        this.ACTION(() => blocks.push(otherwise));
      });
      return { kind: 'control', keyword: 'if', blocks, ...this.span(first, this.last()) };
    });

    forStatement = this.RULE('forStatement', (): Statement => {
      const first = this.CONSUME(tok('For'));
      this.CONSUME(tok('LParen'));
      this.OR([
        {
          GATE: () => [2, 3, 4].some((i) => this.LA(i).tokenType === tok('In')) || this.LA(2).tokenType === tok('Colon') || this.LA(3).tokenType === tok('Colon'),
          ALT: () => {
            this.OPTION(() => this.CONSUME(tok('Def')));
            this.OPTION2({ GATE: () => this.LA(2).tokenType === tok('Identifier'), DEF: () => this.CONSUME(tok('Identifier')) });
            this.CONSUME2(tok('Identifier'));
            this.OR2([{ ALT: () => this.CONSUME(tok('In')) }, { ALT: () => this.CONSUME(tok('Colon')) }]);
            this.SUBRULE(this.expression);
          },
        },
        {
          ALT: () => {
            this.OPTION3(() => this.SUBRULE(this.statement));
            this.CONSUME(tok('Semicolon'));
            this.OPTION4(() => this.SUBRULE2(this.expression));
            this.CONSUME2(tok('Semicolon'));
            this.OPTION5(() => this.SUBRULE2(this.statement));
          },
        },
      ]);
      this.CONSUME(tok('RParen'));
      const body = this.SUBRULE(this.blockOrStatement);
      return { kind: 'control', keyword: 'for', blocks: [body], ...this.span(first, this.last()) };
    });

    whileStatement = this.RULE('whileStatement', (): Statement => {
      const first = this.CONSUME(tok('While'));
      this.CONSUME(tok('LParen'));
      this.SUBRULE(this.expression);
      this.CONSUME(tok('RParen'));
      const body = this.SUBRULE(this.blockOrStatement);
      return { kind: 'control', keyword: 'while', blocks: [body], ...this.span(first, this.last()) };
    });

    tryStatement = this.RULE('tryStatement', (): Statement => {
      const first = this.CONSUME(tok('Try'));
      const blocks: Statement[][] = [this.SUBRULE(this.block)];
      this.MANY(() => {
        this.CONSUME(tok('Catch'));
        this.CONSUME(tok('LParen'));
        this.AT_LEAST_ONE(() => {
          this.OR([
            { ALT: () => this.CONSUME(tok('Identifier')) },
            { ALT: () => this.CONSUME(tok('OtherBinary')) },
            { ALT: () => this.CONSUME(tok('Dot')) },
            { ALT: () => this.CONSUME(tok('Def')) },
            { ALT: () => this.CONSUME(tok('Final')) },
          ]);
        });
        this.CONSUME(tok('RParen'));
        const handler = this.SUBRULE2(this.block);
        this.ACTION(() => blocks.push(handler));
      });
      this.OPTION(() => {
        this.CONSUME(tok('Finally'));
        const fin = this.SUBRULE3(this.block);
        this.ACTION(() => blocks.push(fin));
      });
      return { kind: 'control', keyword: 'try', blocks, ...this.span(first, this.last()) };
    });

    switchStatement = this.RULE('switchStatement', (): Statement => {
      const first = this.CONSUME(tok('Switch'));
      this.CONSUME(tok('LParen'));
      this.SUBRULE(this.expression);
      this.CONSUME(tok('RParen'));
      const body = this.SUBRULE(this.block);
      return { kind: 'control', keyword: 'switch', blocks: [body], ...this.span(first, this.last()) };
    });

    expressionStatement = this.RULE('expressionStatement', (): Statement => {
      const expr = this.SUBRULE(this.expression);
      let statement: Statement | undefined;
      this.OPTION(() => {
        const op = this.CONSUME(tok('AssignOperator'));
        const value = this.SUBRULE2(this.expression);
        this.ACTION(() => {
          statement = { kind: 'assign', target: expr, op: op.image, value, ...this.nodeSpan(expr, value) };
        });
      });
      // `name args` only after a bare name or property: `a() b` is two statements
      this.OPTION2({
        GATE: () => statement === undefined && expr !== undefined && (expr.kind === 'name' || expr.kind === 'property'),
        DEF: () => {
          const args = this.SUBRULE(this.commandArguments);
          this.ACTION(() => {
            const last = args[args.length - 1].value;
            statement = { kind: 'expression', expr: { kind: 'call', callee: expr, args, command: true, ...this.nodeSpan(expr, last) }, ...this.nodeSpan(expr, last) };
          });
        },
      });
      return this.ACTION(() => statement ?? { kind: 'expression', expr, ...this.nodeSpan(expr, expr) }) as Statement;
    });

    commandArguments = this.RULE('commandArguments', (): Argument[] => {
      const args: Argument[] = [];
      this.AT_LEAST_ONE_SEP({
        SEP: tok('Comma'),
        DEF: () => {
          const a = this.SUBRULE(this.argument);
          this.ACTION(() => args.push(a));
        },
      });
      return args;
    });

    callArguments = this.RULE('callArguments', (): Argument[] => {
      const args: Argument[] = [];
      this.CONSUME(tok('LParen'));
      this.OPTION(() => {
        const a = this.SUBRULE(this.argument);
        this.ACTION(() => args.push(a));
        this.MANY({
          GATE: () => this.LA(2).tokenType !== tok('RParen'),
          DEF: () => {
            this.CONSUME(tok('Comma'));
            const b = this.SUBRULE2(this.argument);
            this.ACTION(() => args.push(b));
          },
        });
        this.OPTION2(() => this.CONSUME2(tok('Comma')));
      });
      this.CONSUME(tok('RParen'));
      return args;
    });

    private keyAhead(): boolean {
      const t = this.LA(1);
      return this.LA(2).tokenType === tok('Colon') && (t.tokenType === tok('Identifier') || this.tokenIs(t, 'Keyword') || this.tokenIs(t, 'StringLiteral') || t.tokenType === tok('Number'));
    }

    private tokenIs(t: IToken, category: string): boolean {
      return t.tokenType === tok(category) || (t.tokenType.CATEGORIES ?? []).some((c) => c === tok(category));
    }

    mapKey = this.RULE('mapKey', (): string | Expr =>
      this.OR([
        { ALT: () => this.CONSUME(tok('Identifier')).image },
        { ALT: () => this.CONSUME(tok('Keyword')).image },
        { ALT: () => this.CONSUME(tok('Number')).image },
        {
          ALT: () => {
            const s = this.SUBRULE(this.stringLiteral);
            return this.ACTION(() => (s.kind === 'string' ? s.value : s));
          },
        },
      ]),
    );

    argument = this.RULE('argument', (): Argument =>
      this.OR([
        {
          GATE: () => this.keyAhead(),
          ALT: () => {
            const key = this.SUBRULE(this.mapKey);
            this.CONSUME(tok('Colon'));
            const value = this.SUBRULE(this.expression);
            return this.ACTION(() => ({ name: typeof key === 'string' ? key : '', value }));
          },
        },
        {
          ALT: () => {
            this.OPTION(() => this.CONSUME(tok('Star')));
            return { value: this.SUBRULE2(this.expression) };
          },
        },
      ]),
    );

    expression = this.RULE('expression', (): Expr => {
      const condition = this.SUBRULE(this.binary);
      let result: Expr = condition;
      this.OPTION(() => {
        this.CONSUME(tok('Question'));
        const then = this.SUBRULE(this.expression);
        this.CONSUME(tok('Colon'));
        const otherwise = this.SUBRULE2(this.expression);
        this.ACTION(() => {
          result = { kind: 'ternary', condition, then, otherwise, ...this.nodeSpan(condition, otherwise) };
        });
      });
      return result;
    });

    binary = this.RULE('binary', (): Expr => {
      let left = this.SUBRULE(this.unary);
      this.MANY(() => {
        const op = this.CONSUME(tok('BinaryOperator'));
        const right = this.SUBRULE2(this.unary);
        this.ACTION(() => {
          left = { kind: 'binary', op: op.image, left, right, ...this.nodeSpan(left, right) };
        });
      });
      return left;
    });

    unary = this.RULE('unary', (): Expr =>
      this.OR([
        {
          ALT: () => {
            const op = this.OR2([
              { ALT: () => this.CONSUME(tok('Bang')) },
              { ALT: () => this.CONSUME(tok('Minus')) },
              { ALT: () => this.CONSUME(tok('Plus')) },
              { ALT: () => this.CONSUME(tok('Tilde')) },
              { ALT: () => this.CONSUME(tok('PlusPlus')) },
              { ALT: () => this.CONSUME(tok('MinusMinus')) },
            ]);
            const operand = this.SUBRULE(this.unary);
            return this.ACTION(() => ({ kind: 'unary', op: op.image, operand, start: op.startOffset + this.baseOffset, end: operand.end }) as Expr);
          },
        },
        {
          ALT: () => {
            const expr = this.SUBRULE(this.postfix);
            let result = expr;
            this.OPTION(() => {
              const op = this.OR3([{ ALT: () => this.CONSUME2(tok('PlusPlus')) }, { ALT: () => this.CONSUME2(tok('MinusMinus')) }]);
              this.ACTION(() => {
                result = { kind: 'unary', op: op.image, operand: expr, start: expr.start, end: this.endOf(op) };
              });
            });
            return result;
          },
        },
      ]),
    );

    postfix = this.RULE('postfix', (): Expr => {
      let expr = this.SUBRULE(this.primary);
      this.MANY(() => {
        this.OR([
          {
            ALT: () => {
              this.OR2([{ ALT: () => this.CONSUME(tok('Dot')) }, { ALT: () => this.CONSUME(tok('SafeDot')) }, { ALT: () => this.CONSUME(tok('SpreadDot')) }]);
              const name = this.OR3([
                { ALT: () => this.CONSUME(tok('Identifier')).image },
                { ALT: () => this.CONSUME(tok('Keyword')).image },
                {
                  ALT: () => {
                    const s = this.SUBRULE(this.stringLiteral);
                    return this.ACTION(() => (s.kind === 'string' ? s.value : ''));
                  },
                },
              ]);
              this.ACTION(() => {
                expr = { kind: 'property', object: expr, name, start: expr.start, end: this.endOf(this.last()) };
              });
            },
          },
          {
            ALT: () => {
              const args = this.SUBRULE(this.callArguments);
              this.ACTION(() => {
                expr = { kind: 'call', callee: expr, args, command: false, start: expr.start, end: this.endOf(this.last()) };
              });
            },
          },
          {
            ALT: () => {
              const closure = this.SUBRULE(this.closure);
              this.ACTION(() => {
                if (expr.kind === 'call' && !expr.closure && !expr.command) expr = { ...expr, closure, end: closure.end };
                else expr = { kind: 'call', callee: expr, args: [], closure, command: false, start: expr.start, end: closure.end };
              });
            },
          },
          {
            ALT: () => {
              this.CONSUME(tok('LBracket'));
              const index = this.SUBRULE(this.expression);
              this.CONSUME(tok('RBracket'));
              this.ACTION(() => {
                expr = { kind: 'index', object: expr, index, start: expr.start, end: this.endOf(this.last()) };
              });
            },
          },
        ]);
      });
      return expr;
    });

    stringLiteral = this.RULE('stringLiteral', (): Expr => {
      const t = this.CONSUME(tok('StringLiteral'));
      return this.ACTION(() => this.stringNode(t));
    });

    private stringNode(t: IToken): Expr {
      const start = t.startOffset + this.baseOffset;
      const span = { start, end: this.endOf(t) };
      const parts = stringParts(t.image, start);
      if (parts.every((p) => typeof p === 'string')) return { kind: 'string', value: parts.join(''), ...span };
      return {
        kind: 'gstring',
        parts: parts.map((p) => {
          if (typeof p === 'string') return p;
          const part: Interpolation = { expr: undefined, source: p.source, start: p.start };
          this.pending.push(part);
          return part;
        }),
        ...span,
      };
    }

    primary = this.RULE('primary', (): Expr => {
      const first = this.LA(1);
      return this.OR<Expr>([
        { ALT: () => this.SUBRULE(this.stringLiteral) },
        {
          ALT: () => {
            const t = this.CONSUME(tok('Number'));
            return this.ACTION(() => ({ kind: 'number', value: Number(t.image.replace(/_/g, '').replace(/[lLgGdDfFiI]$/, '')), text: t.image, ...this.span(t, t) }) as Expr);
          },
        },
        { ALT: () => ({ kind: 'constant', value: true, ...this.span(this.CONSUME(tok('True')), undefined) }) },
        { ALT: () => ({ kind: 'constant', value: false, ...this.span(this.CONSUME(tok('False')), undefined) }) },
        { ALT: () => ({ kind: 'constant', value: null, ...this.span(this.CONSUME(tok('Null')), undefined) }) },
        {
          ALT: () => {
            const t = this.CONSUME(tok('Identifier'));
            return { kind: 'name', name: t.image, ...this.span(t, t) };
          },
        },
        {
          ALT: () => {
            this.CONSUME(tok('LParen'));
            const inner = this.SUBRULE(this.expression);
            this.CONSUME(tok('RParen'));
            return inner;
          },
        },
        { ALT: () => this.SUBRULE(this.listOrMap) },
        { ALT: () => this.SUBRULE(this.closure) },
        {
          ALT: () => {
            this.CONSUME(tok('New'));
            const type = this.SUBRULE(this.qualifiedName);
            let args: Argument[] = [];
            this.OPTION(() => {
              args = this.SUBRULE(this.callArguments);
            });
            this.OPTION2(() => {
              this.CONSUME(tok('LBracket'));
              this.OPTION3(() => this.SUBRULE2(this.expression));
              this.CONSUME(tok('RBracket'));
            });
            return { kind: 'new', type, args, ...this.span(first, this.last()) };
          },
        },
      ]);
    });

    listOrMap = this.RULE('listOrMap', (): Expr => {
      const first = this.CONSUME(tok('LBracket'));
      return this.OR<Expr>([
        {
          ALT: () => {
            this.CONSUME(tok('Colon'));
            this.CONSUME(tok('RBracket'));
            return { kind: 'map', entries: [], ...this.span(first, this.last()) };
          },
        },
        {
          ALT: () => {
            this.CONSUME2(tok('RBracket'));
            return { kind: 'list', items: [], ...this.span(first, this.last()) };
          },
        },
        {
          GATE: () => this.keyAhead(),
          ALT: () => {
            const entries: { key: string | Expr; value: Expr }[] = [];
            this.AT_LEAST_ONE_SEP({
              SEP: tok('Comma'),
              DEF: () => {
                this.OPTION(() => {
                  const key = this.SUBRULE(this.mapKey);
                  this.CONSUME2(tok('Colon'));
                  const value = this.SUBRULE(this.expression);
                  this.ACTION(() => entries.push({ key, value }));
                });
              },
            });
            this.CONSUME3(tok('RBracket'));
            return { kind: 'map', entries, ...this.span(first, this.last()) };
          },
        },
        {
          ALT: () => {
            const items: Expr[] = [];
            this.AT_LEAST_ONE_SEP2({
              SEP: tok('Comma'),
              DEF: () => {
                this.OPTION2(() => {
                  const item = this.SUBRULE2(this.expression);
                  this.ACTION(() => items.push(item));
                });
              },
            });
            this.CONSUME4(tok('RBracket'));
            return { kind: 'list', items, ...this.span(first, this.last()) };
          },
        },
      ]);
    });

    /** `{ a, b -> ... }`: does the closure just opened declare parameters? */
    private closureParamsAhead(): boolean {
      for (let i = 1; i < 40; i++) {
        const t = this.LA(i).tokenType;
        if (t === tok('Arrow')) return true;
        if (t !== tok('Identifier') && t !== tok('Comma') && t !== tok('Def') && t !== tok('Newline') && t !== tok('LBracket') && t !== tok('RBracket')) return false;
      }
      return false;
    }

    closure = this.RULE('closure', (): ClosureNode => {
      const first = this.CONSUME(tok('LCurly'));
      const params: string[] = [];
      this.OPTION({
        GATE: () => this.closureParamsAhead(),
        DEF: () => {
          this.MANY(() => {
            this.OR([
              {
                ALT: () => {
                  const id = this.CONSUME(tok('Identifier'));
                  this.ACTION(() => {
                    const next = this.LA(1).tokenType;
                    if (next === tok('Comma') || next === tok('Arrow')) params.push(id.image);
                  });
                },
              },
              { ALT: () => this.CONSUME(tok('Comma')) },
              { ALT: () => this.CONSUME(tok('Def')) },
              { ALT: () => this.CONSUME(tok('Newline')) },
              { ALT: () => this.CONSUME(tok('LBracket')) },
              { ALT: () => this.CONSUME(tok('RBracket')) },
            ]);
          });
          this.CONSUME(tok('Arrow'));
        },
      });
      const body = this.SUBRULE(this.statements);
      this.CONSUME(tok('RCurly'));
      return { kind: 'closure', params, body, ...this.span(first, this.last()) };
    });
  }
  return new Parser() as unknown as GroovyParser;
}

function parser(): GroovyParser {
  parserInstance ??= createParser();
  return parserInstance;
}

/** Parse the source of a `${...}` part; undefined when it is not an expression we read. */
function parseInterpolation(p: GroovyParser, source: string, start: number): Expr | undefined {
  const lexed = groovyLexer().lexer.tokenize(source);
  if (lexed.errors.length > 0) return undefined;
  p.input = significantTokens(lexed.tokens).filter((t) => t.tokenType.name !== 'Newline');
  p.baseOffset = start;
  const expr = p.expressionEntry();
  return p.errors.length > 0 ? undefined : expr;
}

/**
 * Parse the GString parts collected by the last parse (and the parts inside them). A part
 * that is not an expression is a syntax error, as it is for Groovy; its offset is returned.
 */
function resolveInterpolations(p: GroovyParser): number | undefined {
  let budget = 10000;
  let bad: number | undefined;
  while (p.pending.length > 0 && budget-- > 0) {
    const part = p.pending.shift()!;
    part.expr = parseInterpolation(p, part.source, part.start);
    // `${}` and the lazy `${-> x}` are Groovy too, though not expressions we read
    const trimmed = part.source.trim();
    if (!part.expr && bad === undefined && trimmed !== '' && !trimmed.startsWith('->')) bad = part.start;
  }
  p.pending = [];
  return bad;
}

const maxNesting = 200;

/** Lex and parse a whole Jenkinsfile. Syntax errors are returned, never thrown. */
export function parseGroovy(text: string): ParseResult {
  const { lexer } = groovyLexer();
  const lexed = lexer.tokenize(text);
  if (lexed.errors.length > 0) {
    const e = lexed.errors[0];
    return { statements: [], comments: [], errors: [{ message: lexMessage(text, e.offset), offset: e.offset, line: e.line, column: e.column }] };
  }
  // Recursive descent: refuse nesting no Jenkinsfile needs before it can exhaust the stack.
  let depth = 0;
  for (const t of lexed.tokens) {
    const name = t.tokenType.name;
    if (name === 'LParen' || name === 'LBracket' || name === 'LCurly') depth++;
    else if (name === 'RParen' || name === 'RBracket' || name === 'RCurly') depth--;
    if (depth > maxNesting) {
      return { statements: [], comments: [], errors: [{ message: `nesting deeper than ${maxNesting} levels`, offset: t.startOffset, line: t.startLine, column: t.startColumn }] };
    }
  }
  const p = parser();
  p.baseOffset = 0;
  p.pending = [];
  p.input = significantTokens(lexed.tokens);
  const statements = p.compilationUnit();
  const errors = p.errors;
  if (errors.length === 0) {
    const bad = resolveInterpolations(p);
    if (bad !== undefined) return { statements: [], comments: [], errors: [{ message: 'a ${...} part of this string is not a Groovy expression', offset: bad }] };
  }
  if (errors.length > 0) {
    const e = errors[0];
    const t = e.token;
    const atEnd = t.tokenType.name === 'EOF' || Number.isNaN(t.startOffset);
    // at the end of the file, point past its last character
    const offset = atEnd ? text.length : t.startOffset;
    return {
      statements: [],
      comments: [],
      errors: [{ message: simplify(e, atEnd), offset, line: atEnd ? undefined : t.startLine, column: atEnd ? undefined : t.startColumn }],
    };
  }
  const comments = (lexed.groups.comments ?? []).map((t) => ({ text: t.image, offset: t.startOffset }));
  return { statements, errors: [], comments };
}

function lexMessage(text: string, offset: number): string {
  const c = text[offset];
  if (c === "'") return 'this string is not terminated (on its line, for a single-quoted one), or holds an escape Groovy does not know';
  if (c === '"') return 'this string is not terminated (on its line, for a single-quoted one), holds an escape Groovy does not know, or a $ that starts no ${...} or name';
  if (c === '/') return 'unterminated slashy string';
  return `unexpected character ${JSON.stringify(c ?? '')}`;
}

const tokenText: Record<string, string> = { RCurly: '}', LCurly: '{', RParen: ')', LParen: '(', RBracket: ']', LBracket: '[', Colon: ':', Comma: ',', Arrow: '->', Identifier: 'a name', StringLiteral: 'a string', Assign: '=', Newline: 'a new line' };

/** chevrotain's messages list token types; say what was found and, when one token fits, what was expected. */
function simplify(error: { name: string; message: string; token: IToken }, atEnd: boolean): string {
  const expected = /Expecting token of type --> (\w+) <--/.exec(error.message)?.[1];
  const found = atEnd ? 'unexpected end of file' : `unexpected ${JSON.stringify(error.token.image.slice(0, 40))}`;
  return expected ? `${found}, expected ${tokenText[expected] ?? expected}` : found;
}
