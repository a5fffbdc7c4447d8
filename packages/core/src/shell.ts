/**
 * POSIX shell quoting for strings that polyci places into commands it writes
 * (image tags, build args, paths). `$NAME` and `${NAME}` stay expandable so that
 * tags can use $POLYCI_BUILD_NUMBER; everything else (`$(...)`, backticks, quotes,
 * `;`, newlines) is literal.
 */

const variableReference = /\$(?:\{([A-Za-z_][A-Za-z0-9_]*)\}|([A-Za-z_][A-Za-z0-9_]*))/g;
const bareSafe = /^[A-Za-z0-9_@%+=:,./-]+$/;

/** Quote a literal string for sh: no expansion of any kind. */
export function shellQuote(literal: string): string {
  if (literal !== '' && bareSafe.test(literal)) return literal;
  return `'${literal.replace(/'/g, `'\\''`)}'`;
}

/** Quote a string for sh, keeping $NAME and ${NAME} references expandable. */
export function shellWord(value: string): string {
  if (value === '') return "''";
  if (!value.includes('$')) return shellQuote(value);
  let out = '';
  let last = 0;
  for (const m of value.matchAll(variableReference)) {
    const at = m.index ?? 0;
    if (at > last) out += shellQuote(value.slice(last, at));
    out += `"\${${m[1] ?? m[2]}}"`;
    last = at + m[0].length;
  }
  if (last < value.length) out += shellQuote(value.slice(last));
  return out;
}

/** A word of a command line as sh reads it; `op` marks an unquoted operator the caller asked for. */
export interface ShellToken {
  text: string;
  op?: true;
}

export interface ShellWordsOptions {
  /** Unquoted operator characters (of `|&;<>()`) to hand back as `op` tokens instead of refusing the line. */
  operators?: string;
  /** How `$NAME` reads back: as written (the default), or `${NAME}` as shellWord writes it. */
  references?: 'as-written' | 'braced';
}

const reference = /\$(?:\{([A-Za-z_][A-Za-z0-9_]*)\}|([A-Za-z_][A-Za-z0-9_]*))/y;

/**
 * Split one command line into words the way sh does, for the quoting shellQuote and
 * shellWord write and the plain hand-written kind: blanks between words, '...',
 * "..." (with \$ \` \" \\ escapes), backslash escapes, line continuations, and
 * $NAME / ${NAME} kept as references. Undefined for anything whose words sh would
 * only know at run time or that is not one simple command: other expansions ($(...),
 * `...`, $1, ${X:-y}), globs, a word starting with # ~ { }, an unquoted newline,
 * operators not in `options.operators`, a trailing backslash, an unclosed quote.
 */
export function shellTokens(line: string, options: ShellWordsOptions = {}): ShellToken[] | undefined {
  const operators = options.operators ?? '';
  const braced = options.references === 'braced';
  const out: ShellToken[] = [];
  let word: string | undefined;
  let i = 0;
  const ref = (): string | undefined => {
    reference.lastIndex = i;
    const m = reference.exec(line);
    // sh joins a line continuation before it reads the name: `$A\<newline>B` is $AB.
    if (!m || (m[2] !== undefined && line.startsWith('\\\n', i + m[0].length))) return undefined;
    i += m[0].length;
    return braced ? `\${${m[1] ?? m[2]}}` : m[0];
  };
  while (i < line.length) {
    const c = line[i];
    if (c === ' ' || c === '\t') {
      if (word !== undefined) out.push({ text: word });
      word = undefined;
      i++;
    } else if (c === "'") {
      const end = line.indexOf("'", i + 1);
      if (end < 0) return undefined;
      word = (word ?? '') + line.slice(i + 1, end);
      i = end + 1;
    } else if (c === '"') {
      word = word ?? '';
      for (i++; ; ) {
        if (i >= line.length) return undefined;
        const d = line[i];
        if (d === '"') break;
        if (d === '\\' && i + 1 < line.length && '$`"\\\n'.includes(line[i + 1])) {
          if (line[i + 1] !== '\n') word += line[i + 1];
          i += 2;
        } else if (d === '$') {
          const r = ref();
          if (r === undefined) return undefined;
          word += r;
        } else if (d === '`') return undefined;
        else {
          word += d;
          i++;
        }
      }
      i++;
    } else if (c === '\\') {
      if (i + 1 >= line.length) return undefined;
      if (line[i + 1] !== '\n') word = (word ?? '') + line[i + 1];
      i += 2;
    } else if (c === '$') {
      const r = ref();
      if (r === undefined) return undefined;
      word = (word ?? '') + r;
    } else if ('|&;<>()'.includes(c) && operators.includes(c)) {
      if (word !== undefined) out.push({ text: word });
      word = undefined;
      out.push({ text: c, op: true });
      i++;
    } else if ('|&;<>()`*?[\n'.includes(c) || (word === undefined && '#~{}'.includes(c))) return undefined;
    else {
      word = (word ?? '') + c;
      i++;
    }
  }
  if (word !== undefined) out.push({ text: word });
  return out;
}

/**
 * The words of one simple command line, unquoted as sh would (see shellTokens); the
 * inverse of joining shellWord / shellQuote words with spaces.
 */
export function shellWords(line: string, options: Omit<ShellWordsOptions, 'operators'> = {}): string[] | undefined {
  return shellTokens(line, options)?.map((t) => t.text);
}

/** Names of the variables a string references as $NAME or ${NAME}. */
export function referencedVariables(value: string): string[] {
  const names: string[] = [];
  if (!value.includes('$')) return names;
  for (const m of value.matchAll(variableReference)) names.push(m[1] ?? m[2]);
  return names;
}

/** Does a shell script call the docker CLI (docker, docker-compose, docker compose)? */
export function callsDocker(script: string): boolean {
  return /(^|[\s;&|(`!{])(docker|docker-compose)(?=\s|$)/m.test(script);
}

/** Does a shell script start containers (docker run/create/exec, compose up/run)? */
export function runsContainers(script: string): boolean {
  return /(^|[\s;&|(`!{])(docker\s+(run|create|exec|start|container\s+(run|create))|docker-compose\s|docker\s+compose\s)/m.test(script);
}
