/**
 * A job's steps as the entries of one Buildkite command step's `commands`: one
 * entry per IR step, in order. The agent runs them in one shell that stops at the
 * first failure. A named step opens a Buildkite log group (`--- name`).
 * https://buildkite.com/docs/pipelines/configure/managing-log-output#collapsing-output
 */
import { shellQuote } from '@polyci/core';

const echoUnsafe = /[\\\n\r]/;

/** The log-group line of a named step. */
export function logGroupLine(name: string): string {
  const title = `--- ${name}`;
  // dash's echo interprets backslashes; printf '%s' prints anything verbatim.
  return echoUnsafe.test(name) ? `printf '%s\\n' ${shellQuote(title)}` : `echo ${shellQuote(title)}`;
}

/** Undo shellQuote for a single word, or undefined when it is not one. */
function unquoteWord(word: string): string | undefined {
  let out = '';
  let i = 0;
  while (i < word.length) {
    if (word[i] === "'") {
      const end = word.indexOf("'", i + 1);
      if (end < 0) return undefined;
      out += word.slice(i + 1, end);
      i = end + 1;
    } else if (word[i] === '\\' && word[i + 1] === "'") {
      out += "'";
      i += 2;
    } else if (/[A-Za-z0-9_@%+=:,./-]/.test(word[i])) {
      out += word[i++];
    } else return undefined;
  }
  return out;
}

/** Split an entry into a log-group name and the script after it, for the importer. */
export function splitLogGroup(entry: string): { name?: string; script: string } {
  for (const prefix of ["echo ", "printf '%s\\n' "]) {
    if (!entry.startsWith(prefix)) continue;
    const rest = entry.slice(prefix.length);
    // the quoted title may span lines (printf form): find the shortest prefix that unquotes and ends at a newline
    for (let end = rest.indexOf('\n'); end >= 0; end = rest.indexOf('\n', end + 1)) {
      const title = unquoteWord(rest.slice(0, end));
      if (title !== undefined && title.startsWith('--- ') && logGroupLine(title.slice(4)) === prefix + rest.slice(0, end)) {
        return { name: title.slice(4), script: rest.slice(end + 1) };
      }
    }
  }
  return { script: entry };
}
