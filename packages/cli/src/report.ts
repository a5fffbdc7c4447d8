/** Printing diagnostics for people (with a code frame), and for machines (JSON, SARIF). */
import { existsSync, readFileSync } from 'node:fs';
import { diagnosticCodes, type Diagnostic } from '@polyci/core';

const useColor = () => process.stderr.isTTY && !process.env.NO_COLOR;
const paint = (code: string, s: string) => (useColor() ? `\u001b[${code}m${s}\u001b[0m` : s);

function codeFrame(file: string, line: number, column: number | undefined, hidden: ReadonlySet<string>): string {
  if (!existsSync(file)) return '';
  const lines = readFileSync(file, 'utf8').split('\n');
  const out: string[] = [];
  for (let n = Math.max(1, line - 1); n <= Math.min(lines.length, line + 1); n++) {
    const text = hidden.has(`${file}:${n}`) ? '(hidden: this line holds a literal credential)' : lines[n - 1];
    out.push(`${n === line ? '>' : ' '} ${String(n).padStart(4)} | ${text}`);
    if (n === line && column) out.push(`       | ${' '.repeat(Math.max(0, column - 1))}^`);
  }
  return out.join('\n');
}

/** Lines that hold literal credentials (PCI044): code frames never print them. */
export function credentialLines(diagnostics: readonly Diagnostic[]): Set<string> {
  return new Set(diagnostics.filter((d) => d.code === 'PCI044' && d.file && d.line).map((d) => `${d.file}:${d.line}`));
}

/** One diagnostic as text: `file:line:col: severity PCIxxx: message (path)` plus hint and frame. */
export function formatDiagnostic(d: Diagnostic, defaultFile?: string, hidden: ReadonlySet<string> = new Set()): string {
  const file = d.file ?? defaultFile;
  const where = [file, d.line, d.column].filter((x) => x !== undefined && x !== '').join(':');
  const sev = d.severity === 'error' ? paint('31', 'error') : d.severity === 'warning' ? paint('33', 'warning') : paint('36', 'info');
  let text = `${where ? `${where}: ` : ''}${sev} ${d.code}: ${d.message}${d.path ? ` [${d.path}]` : ''}`;
  if (d.hint) text += `\n  hint: ${d.hint}`;
  if (file && d.line) {
    const frame = codeFrame(file, d.line, d.column, d.code === 'PCI044' ? new Set([...hidden, `${file}:${d.line}`]) : hidden);
    if (frame) text += `\n${frame}`;
  }
  return text;
}

/** SARIF 2.1.0 for code scanning. */
export function toSarif(diagnostics: readonly Diagnostic[], version: string): unknown {
  const rules = Object.entries(diagnosticCodes).map(([id, name]) => ({ id, name }));
  return {
    $schema: 'https://json.schemastore.org/sarif-2.1.0.json',
    version: '2.1.0',
    runs: [
      {
        tool: { driver: { name: 'polyci', version, informationUri: 'https://www.npmjs.com/package/polyci', rules } },
        results: diagnostics.map((d) => ({
          ruleId: d.code,
          level: d.severity === 'info' ? 'note' : d.severity,
          message: { text: d.hint ? `${d.message} (${d.hint})` : d.message },
          locations: d.file
            ? [{ physicalLocation: { artifactLocation: { uri: d.file }, ...(d.line ? { region: { startLine: d.line, ...(d.column ? { startColumn: d.column } : {}) } } : {}) } }]
            : [],
          ...(d.path ? { properties: { path: d.path } } : {}),
        })),
      },
    ],
  };
}
