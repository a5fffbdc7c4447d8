/**
 * The polyci command line. Exit codes: 0 ok, 1 diagnostics with errors (or
 * files out of date for `check`), 2 usage.
 */
import { dirname, join, relative, resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { compile, hasErrors, type Diagnostic, type EmitOptions, type Target } from '@polyci/core';
import { loadConfig } from './load-config';
import { planWrites, writeAtomic, type PlannedFile } from './output';
import { formatDiagnostic, toSarif } from './report';
import { allTargets, targetById } from './targets';

declare const POLYCI_VERSION: string;
const version = typeof POLYCI_VERSION === 'string' ? POLYCI_VERSION : '0.0.0-dev';

export class UsageError extends Error {}

const help = `polyci ${version}: one pipeline definition, five CI systems.

Usage:
  polyci compile [ci.config.ts ...] [--target LIST] [--out DIR] [--force]
      Emit the native config of each target. Without --out, files go beside
      each config. Writes are atomic; a file without polyci's header is never
      overwritten unless --force.
  polyci check [ci.config.ts ...] [--target LIST] [--out DIR]
      Exit 1 and name the files when generated files are missing or out of date.
  polyci --help | --version

Options:
  -t, --target LIST    comma-separated: ${allTargets.map((t) => t.id).join(', ')} (default: all)
  -o, --out DIR        output directory (default: the config's directory)
      --option T.K=V   a target option, e.g. jenkins.agent=docker
      --format FORMAT  diagnostics as text (default), json or sarif
  -q, --quiet          print errors only
      --force          overwrite files that polyci did not generate

Exit codes: 0 ok, 1 errors in diagnostics or out-of-date files, 2 usage.
Targets:
${allTargets.map((t) => `  ${t.id.padEnd(10)} ${t.title}`).join('\n')}
`;

interface Io {
  out: (s: string) => void;
  err: (s: string) => void;
}

function parseTargets(list: string | undefined): Target[] {
  if (!list) return [...allTargets];
  const targets: Target[] = [];
  for (const id of list.split(',').map((s) => s.trim()).filter(Boolean)) {
    const t = targetById(id);
    if (!t) throw new UsageError(`unknown target "${id}"; choose from ${allTargets.map((x) => x.id).join(', ')}`);
    if (!targets.includes(t)) targets.push(t);
  }
  if (targets.length === 0) throw new UsageError('--target needs at least one target');
  return targets;
}

function parseOptions(values: string[] | undefined): EmitOptions {
  const options: Record<string, Record<string, unknown>> = {};
  for (const v of values ?? []) {
    const m = /^([a-z]+)\.([A-Za-z0-9_-]+)=(.*)$/.exec(v);
    if (!m || !targetById(m[1])) throw new UsageError(`--option takes TARGET.KEY=VALUE (e.g. jenkins.agent=docker), got "${v}"`);
    const value = m[3] === 'true' ? true : m[3] === 'false' ? false : m[3];
    (options[m[1]] ??= {})[m[2]] = value;
  }
  return options;
}

function printDiagnostics(io: Io, diagnostics: Diagnostic[], format: string, quiet: boolean, file?: string): void {
  if (format === 'json') return io.out(`${JSON.stringify(diagnostics, null, 2)}\n`);
  if (format === 'sarif') return io.out(`${JSON.stringify(toSarif(diagnostics, version), null, 2)}\n`);
  for (const d of diagnostics) if (!quiet || d.severity === 'error') io.err(`${formatDiagnostic(d, file)}\n`);
}

/** Compile every config in memory: files to write, and all diagnostics. */
function compileAll(configs: string[], targets: Target[], out: string | undefined, options: EmitOptions): { files: PlannedFile[]; diagnostics: { file: string; list: Diagnostic[] }[] } {
  const files: PlannedFile[] = [];
  const diagnostics: { file: string; list: Diagnostic[] }[] = [];
  for (const config of configs) {
    const loaded = loadConfig(config);
    if (loaded.config === undefined) {
      diagnostics.push({ file: config, list: loaded.diagnostics });
      continue;
    }
    const outDir = out ? resolve(out) : dirname(resolve(config));
    const source = relative(outDir, resolve(config)).split('\\').join('/') || 'ci.config.ts';
    const result = compile(loaded.config, targets, { ...options, source });
    diagnostics.push({ file: config, list: result.diagnostics });
    for (const { file } of result.files) files.push({ path: join(outDir, file.path), contents: file.contents });
  }
  return { files, diagnostics };
}

/** Run the CLI; returns the exit code. */
export function runCli(argv: string[], io: Io = { out: (s) => process.stdout.write(s), err: (s) => process.stderr.write(s) }): number {
  try {
    const { values, positionals } = parseArgs({
      args: argv,
      allowPositionals: true,
      options: {
        help: { type: 'boolean', short: 'h' },
        version: { type: 'boolean', short: 'v' },
        target: { type: 'string', short: 't' },
        out: { type: 'string', short: 'o' },
        option: { type: 'string', multiple: true },
        format: { type: 'string' },
        quiet: { type: 'boolean', short: 'q' },
        force: { type: 'boolean' },
      },
    });
    if (values.version) {
      io.out(`${version}\n`);
      return 0;
    }
    const [command, ...rest] = positionals;
    if (values.help || !command || command === 'help') {
      io.out(help);
      return values.help || command === 'help' ? 0 : 2;
    }
    const format = values.format ?? 'text';
    if (!['text', 'json', 'sarif'].includes(format)) throw new UsageError(`--format takes text, json or sarif, got "${format}"`);
    if (command !== 'compile' && command !== 'check') throw new UsageError(`unknown command "${command}"; run polyci --help`);

    const targets = parseTargets(values.target);
    const options = parseOptions(values.option);
    const configs = rest.length > 0 ? rest : ['ci.config.ts'];
    const { files, diagnostics } = compileAll(configs, targets, values.out, options);
    const all = diagnostics.flatMap((d) => d.list.map((x) => (x.file ? x : { ...x, file: d.file })));
    printDiagnostics(io, all, format, values.quiet ?? false);
    if (hasErrors(all)) {
      io.err(`polyci: ${all.filter((d) => d.severity === 'error').length} error(s); no files written\n`);
      return 1;
    }
    const plan = planWrites(files, values.force ?? false);
    if (command === 'check') {
      const stale = plan.changed.map((f) => relative(process.cwd(), f.path));
      if (stale.length > 0) {
        io.err(`polyci check: ${stale.length} generated file(s) missing or out of date:\n${stale.map((s) => `  ${s}\n`).join('')}run \`polyci compile\` to update them\n`);
        return 1;
      }
      if (format === 'text' && !values.quiet) io.err(`polyci check: ${files.length} file(s) up to date\n`);
      return 0;
    }
    if (hasErrors(plan.diagnostics)) {
      printDiagnostics(io, plan.diagnostics, format, false);
      io.err('polyci: no files written\n');
      return 1;
    }
    for (const f of plan.changed) writeAtomic(f.path, f.contents);
    if (format === 'text' && !values.quiet) io.err(`polyci: ${plan.changed.length} file(s) written, ${files.length - plan.changed.length} unchanged\n`);
    return 0;
  } catch (error) {
    if (error instanceof UsageError || (error as { code?: string }).code?.startsWith('ERR_PARSE_ARGS')) {
      io.err(`polyci: ${(error as Error).message}\nRun polyci --help for usage.\n`);
      return 2;
    }
    throw error;
  }
}
