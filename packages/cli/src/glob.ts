/** File arguments: plain paths, or globs with `*`, `**` and `?` (Node 20 has no fs.glob). */
import { existsSync, readdirSync, statSync } from 'node:fs';
import { join, relative, sep } from 'node:path';

function globToRegExp(pattern: string): RegExp {
  let re = '';
  for (let i = 0; i < pattern.length; i++) {
    const c = pattern[i];
    if (c === '*' && pattern[i + 1] === '*') {
      re += pattern[i + 2] === '/' ? '(?:.*/)?' : '.*';
      i += pattern[i + 2] === '/' ? 2 : 1;
    } else if (c === '*') re += '[^/]*';
    else if (c === '?') re += '[^/]';
    else re += c.replace(/[.+^${}()|[\]\\]/g, '\\$&');
  }
  return new RegExp(`^${re}$`);
}

function walk(dir: string, out: string[]): void {
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    if (entry.name === 'node_modules' || entry.name === '.git') continue;
    const full = join(dir, entry.name);
    if (entry.isDirectory()) walk(full, out);
    else if (entry.isFile()) out.push(full);
  }
}

/** Expand arguments to existing files, in a stable order; unmatched patterns are returned separately. */
export function expandFiles(patterns: readonly string[], cwd = process.cwd()): { files: string[]; unmatched: string[] } {
  const files = new Set<string>();
  const unmatched: string[] = [];
  for (const pattern of patterns) {
    if (!/[*?]/.test(pattern)) {
      if (existsSync(pattern) && statSync(pattern).isFile()) files.add(pattern);
      else if (existsSync(pattern) && statSync(pattern).isDirectory()) {
        const found: string[] = [];
        walk(pattern, found);
        found.sort().forEach((f) => files.add(f));
      } else unmatched.push(pattern);
      continue;
    }
    const base = pattern.slice(0, pattern.search(/[*?]/)).replace(/[^/]*$/, '') || '.';
    const re = globToRegExp(pattern.replace(/^\.\//, ''));
    const found: string[] = [];
    if (existsSync(join(cwd, base))) walk(join(cwd, base), found);
    const matched = found.map((f) => relative(cwd, f).split(sep).join('/')).filter((f) => re.test(f)).sort();
    if (matched.length === 0) unmatched.push(pattern);
    matched.forEach((f) => files.add(f));
  }
  return { files: [...files], unmatched };
}
