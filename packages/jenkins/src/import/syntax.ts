/**
 * The syntax tree of the Groovy subset a Jenkinsfile is written in: what the parser builds
 * and the interpreter reads. Every node keeps its source range (`start`, `end` offsets) so
 * that diagnostics point at file:line:col and vendor-only blocks can be kept verbatim.
 */

export interface Span {
  start: number;
  end: number;
}

/** A literal string: single-quoted, or a GString without `$` parts. */
export interface StringNode extends Span {
  kind: 'string';
  value: string;
}

/** A GString with interpolated parts. */
export interface GStringNode extends Span {
  kind: 'gstring';
  parts: (string | { expr: Expr | undefined; source: string; start: number })[];
}

export interface NumberNode extends Span {
  kind: 'number';
  value: number;
  text: string;
}

export interface ConstantNode extends Span {
  kind: 'constant';
  value: boolean | null;
}

export interface NameNode extends Span {
  kind: 'name';
  name: string;
}

export interface PropertyNode extends Span {
  kind: 'property';
  object: Expr;
  name: string;
}

export interface IndexNode extends Span {
  kind: 'index';
  object: Expr;
  index: Expr;
}

/** One argument of a call: positional, or named (`time: 1`). */
export interface Argument {
  name?: string;
  value: Expr;
}

/** A method call: `name(args) { closure }`, `name args`, `obj.name(args)`, `name { ... }`. */
export interface CallNode extends Span {
  kind: 'call';
  callee: Expr;
  args: Argument[];
  closure?: ClosureNode;
  /** Called without parentheses (`sh 'x'`, `agent any`). */
  command: boolean;
}

export interface ListNode extends Span {
  kind: 'list';
  items: Expr[];
}

export interface MapNode extends Span {
  kind: 'map';
  entries: { key: string | Expr; value: Expr }[];
}

export interface ClosureNode extends Span {
  kind: 'closure';
  params: string[];
  body: Statement[];
}

export interface BinaryNode extends Span {
  kind: 'binary';
  op: string;
  left: Expr;
  right: Expr;
}

export interface UnaryNode extends Span {
  kind: 'unary';
  op: string;
  operand: Expr;
}

export interface TernaryNode extends Span {
  kind: 'ternary';
  condition: Expr;
  then: Expr;
  otherwise: Expr;
}

export interface NewNode extends Span {
  kind: 'new';
  type: string;
  args: Argument[];
}

export type Expr =
  | StringNode
  | GStringNode
  | NumberNode
  | ConstantNode
  | NameNode
  | PropertyNode
  | IndexNode
  | CallNode
  | ListNode
  | MapNode
  | ClosureNode
  | BinaryNode
  | UnaryNode
  | TernaryNode
  | NewNode;

export interface ExpressionStatement extends Span {
  kind: 'expression';
  expr: Expr;
}

export interface AssignStatement extends Span {
  kind: 'assign';
  target: Expr;
  op: string;
  value: Expr;
}

export interface DeclarationStatement extends Span {
  kind: 'declaration';
  name: string;
  value?: Expr;
}

export interface MethodStatement extends Span {
  kind: 'method';
  name: string;
  params: string[];
  body: Statement[];
}

/** Control flow (if, for, while, try, switch) and the rest: kept by source range. */
export interface ControlStatement extends Span {
  kind: 'control';
  keyword: string;
  blocks: Statement[][];
}

export interface OtherStatement extends Span {
  kind: 'import' | 'annotation' | 'return' | 'throw' | 'jump' | 'label';
  text: string;
  args?: Argument[];
}

export type Statement = ExpressionStatement | AssignStatement | DeclarationStatement | MethodStatement | ControlStatement | OtherStatement;
