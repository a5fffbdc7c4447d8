/**
 * Reading .gitlab-ci.yml files: YAML with anchors and merge keys (`<<: *x`), GitLab's
 * `!reference [job, key]` tag, and the line of every key for diagnostics.
 * https://docs.gitlab.com/ee/ci/yaml/yaml_optimization.html
 */
import { diagnostic, type Diagnostic, type InputFile } from '@polyci/core';
import { isMap, isPair, isScalar, isSeq, LineCounter, parseDocument, type Node } from 'yaml';

/** A `!reference [job, key, ...]` tag, resolved after includes are merged. */
export class Reference {
  constructor(readonly path: unknown[]) {}
}

const referenceTag = {
  tag: '!reference',
  collection: 'seq' as const,
  resolve: (seq: unknown) => new Reference((seq as { toJSON(): unknown[] }).toJSON()),
};

/** Where a key sits: file, line and column (1-based). */
export interface Position {
  file: string;
  line: number;
  column: number;
}

export interface ParsedFile {
  path: string;
  value: unknown;
  /** Position of the key at a path of keys (`build.script`), as written in this file. */
  positions: Map<string, Position>;
}

/** Key paths joined with a character no YAML key we look up holds. */
export const pathKey = (segments: readonly (string | number)[]): string => segments.join('\u0000');

function collectPositions(node: Node | null | undefined, prefix: (string | number)[], lc: LineCounter, file: string, out: Map<string, Position>, depth: number): void {
  if (!node || depth > 8) return;
  if (isMap(node)) {
    for (const pair of node.items) {
      if (!isPair(pair) || !isScalar(pair.key)) continue;
      const key = String(pair.key.value);
      const at = pair.key.range?.[0] ?? 0;
      const { line, col } = lc.linePos(at);
      const path = [...prefix, key];
      out.set(pathKey(path), { file, line, column: col });
      collectPositions(pair.value as Node, path, lc, file, out, depth + 1);
    }
  } else if (isSeq(node)) {
    node.items.forEach((item, i) => collectPositions(item as Node, [...prefix, i], lc, file, out, depth + 1));
  }
}

/** Parse one file; syntax errors become PCI040 with file:line:col and the value is undefined. */
export function parseGitlabFile(file: InputFile): { parsed?: ParsedFile; diagnostics: Diagnostic[] } {
  const lineCounter = new LineCounter();
  const diagnostics: Diagnostic[] = [];
  const doc = parseDocument(file.contents, { lineCounter, merge: true, customTags: [referenceTag], prettyErrors: false, uniqueKeys: false, strict: false });
  for (const e of doc.errors) {
    const { line, col } = lineCounter.linePos(e.pos[0]);
    diagnostics.push(diagnostic('PCI040', 'error', `YAML syntax: ${e.message.split('\n')[0]}`, { file: file.path, line, column: col, hint: 'fix the YAML; GitLab rejects this file too' }));
  }
  for (const w of doc.warnings) {
    const { line, col } = lineCounter.linePos(w.pos[0]);
    diagnostics.push(diagnostic('PCI041', 'warning', `YAML: ${w.message.split('\n')[0]}`, { file: file.path, line, column: col }));
  }
  if (doc.errors.length > 0) return { diagnostics };
  let value: unknown;
  try {
    value = doc.toJS({ maxAliasCount: 1000 });
  } catch (e) {
    diagnostics.push(diagnostic('PCI040', 'error', `YAML: ${(e as Error).message.split('\n')[0]}`, { file: file.path, line: 1, column: 1, hint: 'check anchors and aliases' }));
    return { diagnostics };
  }
  const positions = new Map<string, Position>();
  collectPositions(doc.contents as Node, [], lineCounter, file.path, positions, 0);
  return { parsed: { path: file.path, value, positions }, diagnostics };
}
