/** Reading vendor files into the IR: input checks, vendor detection, the target's importer. */
import { readFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { expandFiles } from './glob';
import { decodeInput, diagnostic, hasErrors, parseYamlInput, type Diagnostic, type ImportResult, type Target } from '@polyci/core';
import { allTargets } from './targets';

export interface ImportedFile {
  file: string;
  target?: Target;
  result?: ImportResult;
  diagnostics: Diagnostic[];
}

/** The files a vendor says an import needs (local includes), read recursively and within the input limits. */
function readCompanions(target: Target, file: string, text: string): { path: string; contents: string }[] {
  if (!target.companions) return [];
  const root = dirname(file);
  const seen = new Set([resolve(file)]);
  const out: { path: string; contents: string }[] = [];
  const queue: { path: string; text: string }[] = [{ path: file, text }];
  while (queue.length > 0 && out.length < 200) {
    const current = queue.shift()!;
    let wanted: string[];
    try {
      wanted = target.companions(current.path, current.text);
    } catch {
      continue;
    }
    const { files } = expandFiles(wanted.map((w) => join(root, w)));
    for (const f of files) {
      if (seen.has(resolve(f))) continue;
      seen.add(resolve(f));
      let decoded: { text?: string };
      try {
        decoded = decodeInput(f, readFileSync(f));
      } catch {
        continue;
      }
      if (decoded.text === undefined) continue;
      out.push({ path: f, contents: decoded.text });
      queue.push({ path: f, text: decoded.text });
    }
  }
  return out;
}

/** Import one vendor file; never throws for a bad file. */
export function importFile(file: string, from?: Target): ImportedFile {
  let bytes: Buffer;
  try {
    bytes = readFileSync(file);
  } catch (error) {
    return { file, diagnostics: [diagnostic('PCI001', 'error', `cannot read ${file}: ${(error as Error).message}`, { file })] };
  }
  const decoded = decodeInput(file, bytes);
  if (decoded.text === undefined) return { file, diagnostics: decoded.diagnostics };
  const text = decoded.text;
  if (/\.ya?ml$/i.test(file)) {
    // The shared defences (alias bombs, depth, duplicate and prototype keys) before any importer runs.
    // Vendor tags (GitLab's !reference) are only warnings here; the vendor's importer resolves them.
    const checked = parseYamlInput({ path: file, contents: text });
    const fatal = checked.diagnostics.filter((d) => d.code === 'PCI050' || d.code === 'PCI040');
    if (hasErrors(fatal)) return { file, diagnostics: fatal };
  }
  const target = from ?? allTargets.find((t) => t.detect(file, text));
  if (!target) {
    return { file, diagnostics: [diagnostic('PCI041', 'error', 'cannot tell which CI system this file is for', { file, hint: `name it as the vendor does (${allTargets.map((t) => t.title).join('; ')}) or pass --from ${allTargets.map((t) => t.id).join('|')}` })] };
  }
  if (!target.import) return { file, target, diagnostics: [diagnostic('PCI041', 'error', `importing ${target.id} files is not supported`, { file })] };
  const files = [{ path: file, contents: text }, ...readCompanions(target, file, text)];
  try {
    const result = target.import(files);
    const diagnostics = result.diagnostics.map((d) => (d.file ? d : { ...d, file }));
    return { file, target, result, diagnostics };
  } catch (error) {
    // An importer bug must not cost the user the batch; say where it happened.
    return { file, target, diagnostics: [diagnostic('PCI041', 'error', `the ${target.id} importer failed on this file: ${(error as Error).message}`, { file, hint: 'please report this file to polyci' })] };
  }
}

/** Best file:line for a finding on an IR path, from the importer's positions (longest prefix). */
export function placeOnSource(d: Diagnostic, imported: ImportedFile): Diagnostic {
  if (d.line !== undefined || !d.path) return d.file ? d : { ...d, file: imported.file };
  const positions = imported.result?.positions ?? {};
  let path = d.path;
  for (;;) {
    const p = positions[path];
    if (p) return { ...d, file: p.file, line: p.line, ...(p.column ? { column: p.column } : {}) };
    const cut = Math.max(path.lastIndexOf('.'), path.lastIndexOf('['));
    if (cut <= 0) break;
    path = path.slice(0, cut);
  }
  return { ...d, file: imported.file };
}
