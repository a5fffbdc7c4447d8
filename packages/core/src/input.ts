/**
 * Reading files polyci did not write: bounded in size, depth, aliases and time,
 * and refusing what could do harm (prototype keys, binary data, invalid UTF-8).
 * Every importer reads YAML through `parseYamlInput`, so every vendor gets the
 * same defences and the same file:line:col diagnostics.
 */
import { isMap, isPair, isScalar, isSeq, LineCounter, parseDocument, type Document, type Node, type Tags } from 'yaml';
import { diagnostic, type Diagnostic } from './diagnostics';
import type { InputFile } from './target';

export const inputLimits = {
  /** Larger files are refused: no CI config is this big. */
  maxBytes: 4 * 1024 * 1024,
  /** Nesting deeper than this is refused (stack safety, and no CI config nests so deep). */
  maxDepth: 100,
  /** Alias expansions per document (defeats "billion laughs"). */
  maxAliasCount: 200,
} as const;

const forbiddenKeys = new Set(['__proto__', 'constructor', 'prototype']);

/** Check raw bytes or text before parsing: size, binary content, UTF-8. */
export function decodeInput(path: string, contents: string | Uint8Array): { text?: string; diagnostics: Diagnostic[] } {
  const size = typeof contents === 'string' ? Buffer.byteLength(contents) : contents.byteLength;
  if (size > inputLimits.maxBytes) {
    return { diagnostics: [diagnostic('PCI050', 'error', `file is ${size} bytes, over the ${inputLimits.maxBytes}-byte limit`, { file: path, hint: 'split it, or check that this is a CI config' })] };
  }
  let text: string;
  if (typeof contents === 'string') text = contents;
  else {
    try {
      text = new TextDecoder('utf-8', { fatal: true }).decode(contents);
    } catch {
      const bad = firstInvalidUtf8(contents);
      return { diagnostics: [diagnostic('PCI050', 'error', `file is not valid UTF-8 (byte ${bad.offset})`, { file: path, line: bad.line, column: bad.column, hint: 'save the file as UTF-8' })] };
    }
  }
  if (text.charCodeAt(0) === 0xfeff) text = text.slice(1);
  const nul = text.indexOf('\0');
  if (nul >= 0) {
    const { line, column } = lineColumn(text, nul);
    return { diagnostics: [diagnostic('PCI050', 'error', 'file holds binary data (a NUL byte)', { file: path, line, column, hint: 'pass a text CI config' })] };
  }
  return { text, diagnostics: [] };
}

function firstInvalidUtf8(bytes: Uint8Array): { offset: number; line: number; column: number } {
  let line = 1;
  let lineStart = 0;
  for (let i = 0; i < bytes.length; i++) {
    const b = bytes[i];
    if (b === 0x0a) {
      line++;
      lineStart = i + 1;
      continue;
    }
    if (b < 0x80) continue;
    const need = b >= 0xf0 && b <= 0xf4 ? 3 : b >= 0xe0 ? 2 : b >= 0xc2 && b < 0xe0 ? 1 : -1;
    if (need < 0) return { offset: i, line, column: i - lineStart + 1 };
    for (let k = 1; k <= need; k++) if ((bytes[i + k] ?? 0) >> 6 !== 2) return { offset: i, line, column: i - lineStart + 1 };
    i += need;
  }
  return { offset: 0, line: 1, column: 1 };
}

/** 1-based line and column of an offset. */
export function lineColumn(text: string, offset: number): { line: number; column: number } {
  let line = 1;
  let start = 0;
  for (let i = text.indexOf('\n'); i >= 0 && i < offset; i = text.indexOf('\n', i + 1)) {
    line++;
    start = i + 1;
  }
  return { line, column: offset - start + 1 };
}

export interface YamlInput {
  /** The document as plain data (undefined when there were errors). */
  value?: unknown;
  doc?: Document;
  lineCounter: LineCounter;
  diagnostics: Diagnostic[];
  /** 1-based position of a node of `doc`. */
  position(node: unknown): { line?: number; column?: number };
}

/** Parse one YAML file defensively. `customTags` lets a vendor accept its own tags (GitLab's !reference). */
export function parseYamlInput(file: InputFile, options: { customTags?: Tags } = {}): YamlInput {
  const lineCounter = new LineCounter();
  const position = (node: unknown) => {
    const range = (node as { range?: [number, number, number] } | undefined)?.range;
    if (!range) return {};
    const p = lineCounter.linePos(range[0]);
    return { line: p.line, column: p.col };
  };
  const decoded = decodeInput(file.path, file.contents);
  if (decoded.text === undefined) return { lineCounter, diagnostics: decoded.diagnostics, position };
  const depthProblem = deepestNesting(decoded.text);
  if (depthProblem) {
    return { lineCounter, position, diagnostics: [diagnostic('PCI050', 'error', `nesting deeper than ${inputLimits.maxDepth} levels`, { file: file.path, ...depthProblem, hint: 'no CI config nests this deep; check the file' })] };
  }
  // uniqueKeys is checked below in one pass: the yaml package's own check is quadratic in a mapping's size.
  const doc = parseDocument(decoded.text, { lineCounter, uniqueKeys: false, prettyErrors: false, customTags: options.customTags, strict: true });
  const diagnostics: Diagnostic[] = [];
  for (const error of doc.errors) {
    // without prettyErrors, linePos is unset: compute it from the offset
    const at = lineCounter.linePos(error.pos[0]);
    const pos = { line: at.line, col: at.col };
    const message = error.message.split('\n')[0].replace(/ at line \d+, column \d+:?$/, '');
    const duplicate = error.code === 'DUPLICATE_KEY';
    diagnostics.push(
      diagnostic(duplicate ? 'PCI050' : 'PCI040', 'error', duplicate ? `duplicate key: ${message}` : `YAML syntax: ${message}`, {
        file: file.path,
        line: pos?.line,
        column: pos?.col,
        hint: duplicate ? 'a key may appear once per mapping; remove or merge the duplicate' : 'fix the YAML at this position',
      }),
    );
  }
  if (diagnostics.length > 0) return { doc, lineCounter, diagnostics, position };
  const keyProblem = findKeyProblem(doc.contents);
  if (keyProblem) {
    diagnostics.push(
      keyProblem.duplicate
        ? diagnostic('PCI050', 'error', `duplicate key: Map keys must be unique ("${keyProblem.key}")`, { file: file.path, ...position(keyProblem.node), hint: 'a key may appear once per mapping; remove or merge the duplicate' })
        : diagnostic('PCI050', 'error', `key "${keyProblem.key}" is not allowed in a CI config`, { file: file.path, ...position(keyProblem.node), hint: 'rename the key' }),
    );
    return { doc, lineCounter, diagnostics, position };
  }
  try {
    const value = doc.toJS({ maxAliasCount: inputLimits.maxAliasCount });
    return { value, doc, lineCounter, diagnostics, position };
  } catch (error) {
    const message = (error as Error).message ?? String(error);
    diagnostics.push(diagnostic('PCI050', 'error', /alias/i.test(message) ? `too many alias expansions (over ${inputLimits.maxAliasCount}): ${message}` : `cannot read the document: ${message}`, { file: file.path, hint: 'an alias bomb, or a document too large to expand' }));
    return { doc, lineCounter, diagnostics, position };
  }
}

/** Bracket/indent depth from the text alone, before any recursive parser sees it. */
function deepestNesting(text: string): { line: number; column: number } | undefined {
  let flow = 0;
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (c === 0x5b || c === 0x7b) {
      if (++flow > inputLimits.maxDepth) return lineColumn(text, i);
    } else if ((c === 0x5d || c === 0x7d) && flow > 0) flow--;
  }
  // block nesting: count indentation levels of "- " and "key:" lines
  let line = 1;
  for (let start = 0; start < text.length; ) {
    const end = text.indexOf('\n', start);
    const stop = end < 0 ? text.length : end;
    let indent = 0;
    while (start + indent < stop && (text[start + indent] === ' ' || text[start + indent] === '-')) indent++;
    if (indent / 2 > inputLimits.maxDepth * 2) return { line, column: 1 };
    start = stop + 1;
    line++;
  }
  return undefined;
}

/** The first prototype key or duplicate key, in one pass over the document (duplicates by their scalar text). */
function findKeyProblem(root: unknown): { key: string; node: Node; duplicate: boolean } | undefined {
  const stack: unknown[] = [root];
  const found: { key: string; node: Node; duplicate: boolean; at: number }[] = [];
  while (stack.length > 0) {
    const node = stack.pop();
    if (isMap(node)) {
      const seen = new Set<string>();
      for (const pair of node.items) {
        if (!isPair(pair)) continue;
        if (isScalar(pair.key)) {
          const key = String(pair.key.value);
          if (forbiddenKeys.has(key)) found.push({ key, node: pair.key, duplicate: false, at: pair.key.range?.[0] ?? 0 });
          else if (key !== '<<' && seen.has(key)) found.push({ key, node: pair.key, duplicate: true, at: pair.key.range?.[0] ?? 0 });
          seen.add(key);
        }
        stack.push(pair.value);
      }
    } else if (isSeq(node)) for (const item of node.items) stack.push(item);
  }
  // the first in the file, as a reader would meet it
  return found.sort((a, b) => a.at - b.at)[0];
}
