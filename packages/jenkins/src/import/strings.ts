/**
 * Groovy string literals: escapes, and the `${...}` / `$name` parts of GStrings.
 * https://groovy-lang.org/syntax.html#all-strings
 */
import { scanInterpolation } from './lexer';

const simpleEscapes: Record<string, string> = { b: '\b', t: '\t', n: '\n', f: '\f', r: '\r', s: ' ', '\\': '\\', "'": "'", '"': '"', $: '$', '/': '/' };

/** Decode backslash escapes of a quoted string body. */
export function unescapeGroovy(body: string): string {
  let out = '';
  for (let i = 0; i < body.length; i++) {
    const c = body[i];
    if (c !== '\\' || i + 1 >= body.length) {
      out += c;
      continue;
    }
    const n = body[i + 1];
    if (n === '\n') {
      i += 1;
      continue;
    }
    if (n === '\r') {
      i += body[i + 2] === '\n' ? 2 : 1;
      continue;
    }
    if (n in simpleEscapes) {
      out += simpleEscapes[n];
      i += 1;
      continue;
    }
    if (n === 'u') {
      let j = i + 2;
      while (body[j] === 'u') j++;
      const hex = body.slice(j, j + 4);
      if (/^[0-9a-fA-F]{4}$/.test(hex)) {
        out += String.fromCharCode(parseInt(hex, 16));
        i = j + 3;
        continue;
      }
    }
    const octal = /^[0-7]{1,3}/.exec(body.slice(i + 1, i + 4));
    if (octal && parseInt(octal[0], 8) <= 0o377) {
      out += String.fromCharCode(parseInt(octal[0], 8));
      i += octal[0].length;
      continue;
    }
    out += n;
    i += 1;
  }
  return out;
}

export type StringPart = string | { source: string; start: number; dotted: boolean };

/** Quote of a string token image. */
export function quoteOf(image: string): string {
  if (image.startsWith('"""') || image.startsWith("'''")) return image.slice(0, 3);
  return image[0];
}

/**
 * Split a string token into literal text and interpolated parts. `start` is the offset of
 * the token in the file, so that parts keep their positions.
 */
export function stringParts(image: string, start: number): StringPart[] {
  const quote = quoteOf(image);
  const bodyStart = quote.length;
  const body = image.slice(bodyStart, image.length - quote.length);
  if (quote === "'" || quote === "'''") return [unescapeGroovy(body)];
  const slashy = quote === '/';
  const parts: StringPart[] = [];
  let text = '';
  const flush = () => {
    if (text !== '') parts.push(slashy ? text.replace(/\\\//g, '/') : unescapeGroovy(text));
    text = '';
  };
  for (let i = 0; i < body.length; i++) {
    const c = body[i];
    if (c === '\\' && i + 1 < body.length) {
      text += c + body[i + 1];
      i++;
      continue;
    }
    if (c === '$' && body[i + 1] === '{') {
      const end = scanInterpolation(body, i + 2);
      if (end > 0) {
        flush();
        parts.push({ source: body.slice(i + 2, end - 1), start: start + bodyStart + i + 2, dotted: false });
        i = end - 1;
        continue;
      }
    }
    if (c === '$' && /[A-Za-z_]/.test(body[i + 1] ?? '')) {
      const m = /^[A-Za-z_][A-Za-z0-9_]*(?:\.[A-Za-z_][A-Za-z0-9_]*)*/.exec(body.slice(i + 1));
      if (m) {
        flush();
        parts.push({ source: m[0], start: start + bodyStart + i + 1, dotted: true });
        i += m[0].length;
        continue;
      }
    }
    text += c;
  }
  flush();
  return parts;
}
