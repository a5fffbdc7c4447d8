/**
 * `polyci migrate`: vendor files in, other vendors' files (or a ci.config.ts) out,
 * with a report per file in the spirit of GitHub Actions Importer's audit:
 * converted, partly converted (what needs a look, at file:line), or by hand.
 */
import { basename, dirname, join, relative } from 'node:path';
import { compile, filePieces, hasErrors, type Diagnostic, type Pipeline, type Target } from '@polyci/core';
import { importFile, placeOnSource } from '../imports';
import type { Io } from '../io';
import { planWrites, writeAtomic, type PlannedFile } from '../output';

export type MigrationStatus = 'converted' | 'partly' | 'manual';

export interface FileReport {
  file: string;
  from?: string;
  status: MigrationStatus;
  outputs: string[];
  items: Diagnostic[];
}

/** Codes that mean something did not carry over as it was. */
const lossCodes = new Set(['PCI030', 'PCI031', 'PCI041', 'PCI042', 'PCI043', 'PCI044']);

function statusOf(items: readonly Diagnostic[]): MigrationStatus {
  if (hasErrors(items)) return 'manual';
  return items.some((d) => lossCodes.has(d.code)) ? 'partly' : 'converted';
}

/** Output folder per input: the --out dir itself for one file, a folder per input for several. */
function outDirFor(file: string, out: string, many: boolean, used: Set<string>): string {
  if (!many) return out;
  const stem = `${basename(dirname(file)) === '.' ? '' : `${basename(dirname(file))}-`}${basename(file).replace(/^\./, '').replace(/\.(ya?ml|groovy)$/, '')}`.replace(/[^A-Za-z0-9._-]/g, '_') || 'pipeline';
  let name = stem;
  for (let i = 2; used.has(name); i++) name = `${stem}-${i}`;
  used.add(name);
  return join(out, name);
}

function progress(io: Io, done: number, total: number, file: string): void {
  if (!io.tty || total < 2) return;
  const width = 24;
  const filled = Math.round((done / total) * width);
  io.err(`\r[${'#'.repeat(filled)}${'.'.repeat(width - filled)}] ${done}/${total} ${file.slice(-40).padEnd(40)}`);
  if (done === total) io.err('\n');
}

export interface MigrateOptions {
  to: Target[];
  from?: Target;
  out: string;
  ts: boolean;
  force: boolean;
}

/** Migrate each file; one bad file never stops the batch. */
export function migrate(files: readonly string[], options: MigrateOptions, io: Io): { reports: FileReport[]; writeDiagnostics: Diagnostic[] } {
  const reports: FileReport[] = [];
  const planned: PlannedFile[] = [];
  const used = new Set<string>();
  files.forEach((file, i) => {
    progress(io, i, files.length, file);
    const imported = importFile(file, options.from);
    const items = imported.diagnostics.map((d) => placeOnSource(d, imported));
    const outDir = outDirFor(file, options.out, files.length > 1, used);
    const outputs: string[] = [];
    if (imported.result) {
      const pipeline: Pipeline = imported.result.pipeline;
      const result = compile(pipeline, options.to, { source: relative(outDir, file).split('\\').join('/') });
      for (const d of result.diagnostics) if (d.code !== 'PCI013') items.push(placeOnSource(d, imported));
      if (!hasErrors(result.diagnostics)) {
        if (options.ts && result.pipeline) {
          // ts-morph is heavy (~0.45 s): loaded only on this path.
          // eslint-disable-next-line @typescript-eslint/no-require-imports
          const { pipelineToTypeScript } = require('../typescript') as typeof import('../typescript');
          const path = join(outDir, 'ci.config.ts');
          planned.push({ path, contents: pipelineToTypeScript(pipeline, relative(outDir, file).split('\\').join('/')) });
          outputs.push(path);
        } else {
          for (const { file: f } of result.files) {
            const path = join(outDir, f.path);
            planned.push({ path, contents: filePieces(f) });
            outputs.push(path);
          }
        }
      }
    }
    reports.push({ file, from: imported.target?.id, status: statusOf(items), outputs, items });
  });
  progress(io, files.length, files.length, '');
  const plan = planWrites(planned, options.force);
  if (!hasErrors(plan.diagnostics)) for (const f of plan.changed) writeAtomic(f.path, f.contents);
  return { reports, writeDiagnostics: plan.diagnostics };
}

/** The report as text. */
export function formatReport(reports: readonly FileReport[]): string {
  const lines: string[] = [];
  for (const r of reports) {
    lines.push(`${r.file}${r.from ? ` (${r.from})` : ''}: ${r.status === 'manual' ? 'by hand' : r.status === 'partly' ? 'partly converted' : 'converted'}${r.outputs.length ? ` -> ${r.outputs.length} file(s)` : ''}`);
    for (const d of r.items.filter((x) => x.severity !== 'info' || lossCodes.has(x.code))) {
      const where = [d.file ?? r.file, d.line, d.column].filter((x) => x !== undefined).join(':');
      lines.push(`  ${where}: ${d.severity} ${d.code}: ${d.message}${d.hint ? ` (${d.hint})` : ''}`);
    }
  }
  const count = (s: MigrationStatus) => reports.filter((r) => r.status === s).length;
  lines.push(`${reports.length} file(s): ${count('converted')} converted, ${count('partly')} partly converted, ${count('manual')} by hand`);
  return `${lines.join('\n')}\n`;
}
