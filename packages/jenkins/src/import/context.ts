/**
 * What the interpreter carries while it reads one Jenkinsfile: the source (for
 * positions and verbatim slices) and the diagnostics, each with file:line:col.
 */
import { diagnostic, type Diagnostic, type DiagnosticCode, type Severity } from '@polyci/core';
import type { Span } from './syntax';

export class ImportContext {
  readonly diagnostics: Diagnostic[] = [];
  private readonly lineStarts: number[] = [0];
  private readonly reported = new Set<string>();

  constructor(
    readonly file: string,
    readonly text: string,
  ) {
    for (let i = 0; i < text.length; i++) {
      const c = text[i];
      if (c === '\n' || (c === '\r' && text[i + 1] !== '\n')) this.lineStarts.push(i + 1);
    }
  }

  /** 1-based line and column of an offset. */
  position(offset: number): { line: number; column: number } {
    let lo = 0;
    let hi = this.lineStarts.length - 1;
    while (lo < hi) {
      const mid = (lo + hi + 1) >> 1;
      if (this.lineStarts[mid] <= offset) lo = mid;
      else hi = mid - 1;
    }
    return { line: lo + 1, column: offset - this.lineStarts[lo] + 1 };
  }

  /** The source text of a node, as written. */
  source(span: Span): string {
    return this.text.slice(span.start, span.end);
  }

  /** file:line:col of a node, for messages. */
  where(span: Span): string {
    const { line, column } = this.position(span.start);
    return `${this.file}:${line}:${column}`;
  }

  /** Forget the diagnostics after `mark` (a trial reading that was given up). */
  rollback(mark: number): void {
    for (const d of this.diagnostics.splice(mark)) this.reported.delete(`${d.code}\0${d.line}:${d.column}\0${d.message}`);
  }

  report(code: DiagnosticCode, severity: Severity, message: string, at: Span | number | undefined, hint?: string, path?: string): void {
    const offset = typeof at === 'number' ? at : at?.start ?? 0;
    const { line, column } = this.position(offset);
    const key = `${code}\0${line}:${column}\0${message}`;
    if (this.reported.has(key)) return;
    this.reported.add(key);
    this.diagnostics.push(diagnostic(code, severity, message, { file: this.file, line, column, hint, path }));
  }
}
