/** `polyci explain`: per job, the strategy and what it costs, plus the daemon topology per target. */
import { explainPipeline, topologyMermaid, validatePipeline, type Diagnostic, type Pipeline } from '@polyci/core';
import { importFile } from '../imports';
import type { Io } from '../io';
import { loadConfig } from '../load-config';
import { allTargets } from '../targets';

const columns = [
  ['job', 'job'],
  ['strategy', 'strategy'],
  ['privileged', 'privileged'],
  ['hostRootEquivalent', 'host root'],
  ['canRunContainers', 'docker run'],
  ['transport', 'daemon access'],
  ['isolation', 'isolation'],
  ['cache', 'cache'],
  ['saferAlternative', 'safer alternative'],
] as const;

/** Load a ci.config.ts, or import a vendor file, into a checked pipeline. */
export function pipelineFrom(file: string): { pipeline?: Pipeline; diagnostics: Diagnostic[] } {
  if (/\.[cm]?[jt]s$/.test(file)) {
    const loaded = loadConfig(file);
    if (loaded.config === undefined) return { diagnostics: loaded.diagnostics };
    const checked = validatePipeline(loaded.config);
    return { pipeline: checked.pipeline, diagnostics: checked.diagnostics.map((d) => ({ ...d, file })) };
  }
  const imported = importFile(file);
  if (!imported.result) return { diagnostics: imported.diagnostics };
  const checked = validatePipeline(imported.result.pipeline);
  return { pipeline: checked.pipeline, diagnostics: [...imported.diagnostics, ...checked.diagnostics.map((d) => ({ ...d, file }))] };
}

function cell(v: unknown): string {
  return typeof v === 'boolean' ? (v ? 'yes' : 'no') : String(v);
}

export function explain(file: string, format: string, io: Io): { ok: boolean; diagnostics: Diagnostic[] } {
  const { pipeline, diagnostics } = pipelineFrom(file);
  if (!pipeline) return { ok: false, diagnostics };
  const rows = explainPipeline(pipeline);
  const diagrams = allTargets.map((t) => ({ target: t.id, mermaid: topologyMermaid(pipeline, t.topology ?? { unit: `${t.id} job`, beside: 'daemon' }) }));
  if (format === 'json') {
    io.out(`${JSON.stringify({ pipeline: pipeline.name, jobs: rows, diagrams }, null, 2)}\n`);
  } else if (format === 'md') {
    const head = `| ${columns.map(([, h]) => h).join(' | ')} |\n|${columns.map(() => '---').join('|')}|\n`;
    const body = rows.map((r) => `| ${columns.map(([k]) => cell(r[k]).replace(/\|/g, '\\|')).join(' | ')} |`).join('\n');
    io.out(`# ${pipeline.name}: Docker strategies\n\n${head}${body}\n`);
    for (const d of diagrams) io.out(`\n## ${d.target}\n\n\`\`\`mermaid\n${d.mermaid}\`\`\`\n`);
  } else {
    for (const r of rows) {
      io.out(`${r.job}: ${r.strategy}\n`);
      for (const [k, h] of columns.slice(2)) io.out(`  ${h.padEnd(18)} ${cell(r[k])}\n`);
    }
    io.out(`\nDaemon topology (mermaid), ${diagrams[0].target}:\n${diagrams[0].mermaid}(--format md shows every target)\n`);
  }
  return { ok: true, diagnostics };
}
