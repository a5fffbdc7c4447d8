/**
 * A small, fast, deterministic YAML writer for the documents polyci emits
 * (JSON-shaped data: objects, arrays, strings, numbers, booleans, null).
 *
 * Why not `yaml.stringify`: on a 10,000-job document it is ~20x slower, and it
 * turns shared objects into anchors unless told otherwise. Correct quoting is what
 * matters, so the rule is conservative: a string is written plain only when it
 * means the same string under YAML 1.1 (Ruby's Psych, PyYAML) and 1.2 (Go, the
 * `yaml` package); otherwise it is a literal block (multi-line text) or a
 * double-quoted scalar with JSON-compatible escapes. A property test in this
 * package parses the output back under both versions.
 */

export type YamlValue = string | number | boolean | null | undefined | YamlValue[] | { [key: string]: YamlValue };

// Characters YAML 1.1 treats as line breaks or that YAML forbids unescaped.
const needsEscape = /[\u0000-\u0008\u000b-\u001f\u007f-\u009f\u2028\u2029\ufeff\ud800-\udfff]/;
const needsEscapeGlobal = /[\u007f-\u009f\u2028\u2029\ufeff]/g;
const plainChars = /^[A-Za-z0-9_./$~][A-Za-z0-9 _./@%+=:,$~()'"^\\-]*$/;
const ambiguous = new Set('y Y yes Yes YES n N no No NO true True TRUE false False FALSE on On ON off Off OFF null Null NULL ~ = <<'.split(' '));
// `e0` too: the yaml package's 1.1 float pattern makes every part optional.
const numberLike = /^[-+]?(?:[0-9]|[eE][-+]?[0-9]+$|\.[0-9._]*(?:[eE][-+]?[0-9]+)?$|\.(?:inf|Inf|INF|nan|NaN|NAN)$)/;

/** Is this string safe as a plain scalar with the same meaning in YAML 1.1 and 1.2? */
function isPlainSafe(s: string): boolean {
  if (!plainChars.test(s)) return false;
  const last = s.charCodeAt(s.length - 1);
  if (last === 32 || last === 58 || s.includes(': ') || s.includes('  ')) return false;
  if (s.length <= 5 && ambiguous.has(s)) return false;
  // numberLike can only match from a digit, a sign, a dot or an exponent
  const first = s.charCodeAt(0);
  if (((first >= 48 && first <= 57) || first === 43 || first === 45 || first === 46 || first === 101 || first === 69) && numberLike.test(s)) return false;
  return true;
}

/** A double-quoted scalar: JSON escapes are valid YAML escapes. */
function doubleQuoted(s: string): string {
  const json = JSON.stringify(s);
  return needsEscape.test(s) ? json.replace(needsEscapeGlobal, (c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`) : json;
}

/** Can this multi-line string be a literal block without changing it? */
function isBlockSafe(s: string): boolean {
  if (s.includes('\r') || needsEscape.test(s)) return false;
  // The first line with content must not start with a space (it sets the block's
  // indentation), and no line may hold only spaces/tabs (it would read as empty).
  let sawContent = false;
  let lineStart = 0;
  for (let i = 0; i <= s.length; i++) {
    if (i < s.length && s.charCodeAt(i) !== 10) continue;
    if (i > lineStart) {
      let blank = true;
      for (let j = lineStart; j < i; j++) {
        const c = s.charCodeAt(j);
        if (c !== 32 && c !== 9 && c !== 11 && c !== 12 && c !== 0xa0 && c !== 0xfeff && c !== 0x1680 && !(c >= 0x2000 && c <= 0x200a) && c !== 0x202f && c !== 0x205f && c !== 0x3000) {
          blank = false;
          break;
        }
      }
      if (blank) return false;
      if (!sawContent && s.charCodeAt(lineStart) === 32) return false;
      sawContent = true;
    }
    lineStart = i + 1;
  }
  return sawContent;
}

/** A scalar as it appears after `key: ` or `- `; multi-line blocks get their lines at `indent`. */
export function yamlScalar(value: string | number | boolean | null, indent = ''): string {
  if (value === null) return 'null';
  if (typeof value === 'boolean') return value ? 'true' : 'false';
  if (typeof value === 'number') {
    if (!Number.isFinite(value)) throw new TypeError(`cannot write ${value} as YAML`);
    return String(value);
  }
  return stringScalar(value, indent);
}

/** A string scalar: short one-line ones are quoted once per document (one cache lookup). */
function stringScalar(value: string, indent: string): string {
  const short = value.length <= 200;
  let text = short ? scalarCache.get(value) : undefined;
  if (text !== undefined) return text;
  if (value.includes('\n')) return isBlockSafe(value) ? literalBlock(value, indent) : doubleQuoted(value);
  text = isPlainSafe(value) ? value : doubleQuoted(value);
  if (short) scalarCache.set(value, text);
  return text;
}

function literalBlock(value: string, indent: string): string {
  let body = value;
  let chomp = '-';
  if (body.endsWith('\n')) {
    if (body.endsWith('\n\n')) chomp = '+';
    else chomp = '';
    body = body.slice(0, -1);
  }
  const pad = `${indent}  `;
  let out = `|${chomp}`;
  let lineStart = 0;
  for (;;) {
    const end = body.indexOf('\n', lineStart);
    const line = end < 0 ? body.slice(lineStart) : body.slice(lineStart, end);
    out += line === '' ? '\n' : `\n${pad}${line}`;
    if (end < 0) return out;
    lineStart = end + 1;
  }
}

// The same keys and short values come back once per job: quote each once per document.
let keyCache = new Map<string, string>();
let scalarCache = new Map<string, string>();

function keyText(key: string): string {
  let text = keyCache.get(key);
  if (text === undefined) {
    text = isPlainSafe(key) && !key.includes(' ') ? key : doubleQuoted(key);
    keyCache.set(key, text);
  }
  return text;
}

function isEmptyCollection(v: YamlValue): string | undefined {
  if (Array.isArray(v)) return v.length === 0 ? '[]' : undefined;
  if (v !== null && typeof v === 'object') return hasEntries(v) ? undefined : '{}';
  return undefined;
}

function hasEntries(obj: { [key: string]: YamlValue }): boolean {
  for (const k in obj) if (obj[k] !== undefined) return true;
  return false;
}

// Indentation by depth, made once.
const pads: string[] = [''];
function padOf(depth: number): string {
  while (pads.length <= depth) pads.push(`${pads[pads.length - 1]}  `);
  return pads[depth];
}

// The document being written. Appending to one string (V8 keeps it as a rope of the
// pieces) measured ~10% faster than pushing lines and joining them (bench/README.md).
let text = '';

function writeMapping(obj: { [key: string]: YamlValue }, depth: number, firstPrefix?: string): void {
  const indent = padOf(depth);
  let lead = firstPrefix === undefined ? indent : firstPrefix;
  for (const key in obj) {
    const v = obj[key];
    if (v === undefined) continue;
    const k = keyText(key);
    if (typeof v === 'string') text += `${lead}${k}: ${stringScalar(v, indent)}\n`;
    else if (typeof v !== 'object' || v === null) text += `${lead}${k}: ${yamlScalar(v, indent)}\n`;
    else if (Array.isArray(v)) {
      if (v.length === 0) text += `${lead}${k}: []\n`;
      else {
        text += `${lead}${k}:\n`;
        writeSequence(v, depth + 1);
      }
    } else if (!hasEntries(v)) text += `${lead}${k}: {}\n`;
    else {
      text += `${lead}${k}:\n`;
      writeMapping(v, depth + 1);
    }
    lead = indent;
  }
}

function writeSequence(items: YamlValue[], depth: number): void {
  const indent = padOf(depth);
  for (const item of items) {
    if (typeof item === 'string') text += `${indent}- ${stringScalar(item, indent)}\n`;
    else if (typeof item !== 'object' || item === null) text += `${indent}- ${yamlScalar(item === undefined ? null : item, indent)}\n`;
    else if (Array.isArray(item)) {
      if (item.length === 0) text += `${indent}- []\n`;
      else {
        text += `${indent}-\n`;
        writeSequence(item, depth + 1);
      }
    } else if (!hasEntries(item)) text += `${indent}- {}\n`;
    else writeMapping(item, depth + 1, `${indent}- `);
  }
}

/** Write a JSON-shaped value as a YAML document (no trailing `---`), ending in a newline. */
export function toYaml(value: YamlValue): string {
  const empty = isEmptyCollection(value);
  if (empty) return `${empty}\n`;
  if (value === null || value === undefined || typeof value !== 'object') return `${yamlScalar(value === undefined ? null : value)}\n`;
  return yamlEntries(value, 0);
}

/**
 * A collection's entries as toYaml writes them `depth` levels in ('' when it has none):
 * at depth 0 a non-empty mapping's document, at depth 1 what toYaml writes under `key:`
 * of `{ key: value }`. toYaml writes entry by entry, so a large document written in
 * batches of entries is byte for byte the same text, and each batch's objects die young.
 */
export function yamlEntries(value: YamlValue[] | { [key: string]: YamlValue }, depth = 0): string {
  keyCache = new Map();
  scalarCache = new Map();
  text = '';
  if (Array.isArray(value)) writeSequence(value, depth);
  else writeMapping(value, depth);
  const done = text;
  text = '';
  // Reading a character makes V8 copy the rope into one flat string: the caller keeps
  // ~13 bytes of text per line, not ~100 bytes of rope cells that every scavenge copies.
  done.charCodeAt(0);
  return done;
}
