/**
 * A small reader of POSIX shell scripts, enough to find the statements of a
 * runner's script and the words of simple commands (`docker build ...`,
 * `sh -ec '...'`), with quotes removed as the shell would. It never evaluates:
 * a word that expands (`$X`, `$(...)`, backticks) keeps its text and says so.
 * Heredocs and unterminated quotes make the whole script unreadable, and the
 * importer then keeps it as one `run` step.
 */

export interface ShellWord {
  /** The word after quote removal (expansions kept as written). */
  value: string;
  /** The word as written. */
  raw: string;
  /** Does the shell expand something in it ($, backticks)? */
  expands: boolean;
  /** Does it run a command substitution ($(...) or backticks)? */
  substitutes?: boolean;
  /** An operator (&&, ||, |, &) rather than a word. */
  operator?: boolean;
}

export interface ShellStatement {
  /** The statement's text, as written (without its terminator). */
  raw: string;
  words: ShellWord[];
  /** Offset of the statement in the script. */
  offset: number;
  /** A comment that is the whole statement (without the #). */
  comment?: string;
}

/** Statements of a script, or undefined when it cannot be read safely (heredoc, unterminated quote). */
export function splitStatements(script: string): ShellStatement[] | undefined {
  const statements: ShellStatement[] = [];
  let words: ShellWord[] = [];
  let start = 0;
  let word: ShellWord | undefined;
  const endWord = () => {
    if (word) words.push(word);
    word = undefined;
  };
  const endStatement = (at: number, next: number) => {
    endWord();
    const raw = script.slice(start, at);
    if (words.length > 0) statements.push({ raw: raw.trim(), words, offset: start });
    words = [];
    start = next;
  };
  const cur = () => (word ??= { value: '', raw: '', expands: false });
  /** End of a balanced ( ... ) or { ... } whose opening bracket is at `i`. */
  const balanced = (i: number, open: string, close: string): number => {
    let depth = 0;
    for (let j = i; j < script.length; j++) {
      const c = script[j];
      if (c === '\\') j++;
      else if (c === "'" && open === '(') {
        const end = script.indexOf("'", j + 1);
        if (end < 0) return -1;
        j = end;
      } else if (c === open) depth++;
      else if (c === close && --depth === 0) return j;
    }
    return -1;
  };
  for (let i = 0; i < script.length; i++) {
    const c = script[i];
    if (c === ' ' || c === '\t') {
      endWord();
    } else if (c === '\n' || c === ';') {
      const last = word ?? words[words.length - 1];
      if (c === '\n' && !word && last?.operator) continue; // `a &&\n b` is one statement
      endStatement(i, i + 1);
    } else if (c === '&' || c === '|') {
      const op = script[i + 1] === c ? c + c : c;
      if (op === '&' && (script[i + 1] === '>' || (word !== undefined && script[i - 1] === '>'))) {
        // a redirection (2>&1, &>file), not an operator
        const w = cur();
        w.raw += c;
        w.value += c;
        continue;
      }
      endWord();
      words.push({ value: op, raw: op, expands: false, operator: true });
      i += op.length - 1;
    } else if (c === '#' && !word) {
      const end = script.indexOf('\n', i);
      const stop = end < 0 ? script.length : end;
      if (words.length === 0) statements.push({ raw: script.slice(i, stop), words: [], offset: i, comment: script.slice(i + 1, stop) });
      else endStatement(i, i);
      start = stop + 1;
      i = stop;
      words = [];
    } else if (c === "'") {
      const end = script.indexOf("'", i + 1);
      if (end < 0) return undefined;
      const w = cur();
      w.value += script.slice(i + 1, end);
      w.raw += script.slice(i, end + 1);
      i = end;
    } else if (c === '"') {
      const w = cur();
      let j = i + 1;
      for (; j < script.length && script[j] !== '"'; j++) {
        const d = script[j];
        if (d === '\\' && j + 1 < script.length) {
          const e = script[j + 1];
          if (e === '\n') j++;
          else if ('$`"\\'.includes(e)) {
            w.value += e;
            j++;
          } else w.value += d;
        } else if (d === '$' && (script[j + 1] === '(' || script[j + 1] === '{')) {
          const end = balanced(j + 1, script[j + 1], script[j + 1] === '(' ? ')' : '}');
          if (end < 0) return undefined;
          w.value += script.slice(j, end + 1);
          w.expands = true;
          if (script[j + 1] === '(') w.substitutes = true;
          j = end;
        } else if (d === '`') {
          const end = script.indexOf('`', j + 1);
          if (end < 0) return undefined;
          w.value += script.slice(j, end + 1);
          w.expands = true;
          w.substitutes = true;
          j = end;
        } else {
          if (d === '$' && /[A-Za-z_0-9@*#?$!-]/.test(script[j + 1] ?? '')) w.expands = true;
          w.value += d;
        }
      }
      if (j >= script.length) return undefined;
      w.raw += script.slice(i, j + 1);
      i = j;
    } else if (c === '\\') {
      if (script[i + 1] === '\n') {
        i++;
        continue;
      }
      const w = cur();
      if (i + 1 < script.length) {
        w.value += script[i + 1];
        w.raw += script.slice(i, i + 2);
        i++;
      }
    } else if (c === '$' && (script[i + 1] === '(' || script[i + 1] === '{')) {
      const end = balanced(i + 1, script[i + 1], script[i + 1] === '(' ? ')' : '}');
      if (end < 0) return undefined;
      const w = cur();
      w.value += script.slice(i, end + 1);
      w.raw += script.slice(i, end + 1);
      w.expands = true;
      if (script[i + 1] === '(') w.substitutes = true;
      i = end;
    } else if (c === '`') {
      const end = script.indexOf('`', i + 1);
      if (end < 0) return undefined;
      const w = cur();
      w.value += script.slice(i, end + 1);
      w.raw += script.slice(i, end + 1);
      w.expands = true;
      w.substitutes = true;
      i = end;
    } else if (c === '<' && script[i + 1] === '<' && !word?.raw.endsWith('<')) {
      return undefined; // heredoc: its body is not made of statements
    } else {
      const w = cur();
      if (c === '$' && /[A-Za-z_0-9@*#?$!-]/.test(script[i + 1] ?? '')) w.expands = true;
      w.value += c;
      w.raw += c;
    }
  }
  endStatement(script.length, script.length);
  return statements;
}

/** Is this word a plain `NAME=value` assignment (before a command)? */
export function assignmentOf(word: ShellWord): { name: string; value: string } | undefined {
  const m = /^([A-Za-z_][A-Za-z0-9_]*)=/.exec(word.raw);
  if (!m || word.operator) return undefined;
  return { name: m[1], value: word.value.slice(m[1].length + 1) };
}
