/**
 * The polyci command line. Exit codes: 0 ok, 1 diagnostics with errors (or files
 * out of date for `check`, findings for `lint`), 2 usage.
 */
import { dirname, join, relative, resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { compile, filePieces, hasErrors, type Diagnostic, type EmitOptions, type Target } from '@polyci/core';
import { explain } from './commands/explain';
import { init } from './commands/init';
import { lintFiles } from './commands/lint';
import { formatReport, migrate } from './commands/migrate';
import { expandFiles } from './glob';
import { processIo, UsageError, type Io } from './io';
import { loadConfig } from './load-config';
import { planWrites, writeAtomic, type PlannedFile } from './output';
import { credentialLines, formatDiagnostic, toSarif } from './report';
import { allTargets, targetById } from './targets';

export { UsageError } from './io';

declare const POLYCI_VERSION: string;
const version = typeof POLYCI_VERSION === 'string' ? POLYCI_VERSION : '0.0.0-dev';

const help = `polyci ${version}: one pipeline definition, five CI systems.

Usage:
  polyci compile [ci.config.ts ...] [--target LIST] [--out DIR] [--force]
      Emit the native config of each target. Without --out, files go beside
      each config. Writes are atomic; a file without polyci's header is never
      overwritten unless --force.
  polyci check [ci.config.ts ...] [--target LIST] [--out DIR]
      Exit 1 and name the files when generated files are missing or out of date.
  polyci migrate <files or globs...> --to LIST [--from VENDOR] [--out DIR] [--ts] [--report text|json]
      Import vendor configs and emit them for other targets (or as a
      ci.config.ts with --ts), with a report per file.
  polyci explain [ci.config.ts | vendor file] [--format text|md|json]
      Per job: strategy, privilege, host-root equivalence, isolation, cache and
      the safer alternative, plus mermaid diagrams of the daemon topology.
  polyci lint <vendor files...> [--from VENDOR] [--format text|json|sarif]
      Import foreign configs and report polyci's findings at file:line.
  polyci init [--force]   write a starter ci.config.ts
  polyci --help | --version

Options:
  -t, --target LIST    comma-separated: ${allTargets.map((t) => t.id).join(', ')} (default: all)
  -o, --out DIR        output directory (compile: the config's directory; migrate: ./polyci-out)
      --option T.K=V   a target option, e.g. jenkins.agent=docker
      --format FORMAT  text (default), json, sarif (compile, lint) or md (explain)
  -q, --quiet          print errors only
      --force          overwrite files that polyci did not generate

Exit codes: 0 ok, 1 errors (lint: any finding; check: out-of-date files), 2 usage.
Targets:
${allTargets.map((t) => `  ${t.id.padEnd(10)} ${t.title}`).join('\n')}
`;

function parseTargets(list: string | undefined, flag = '--target'): Target[] {
  if (!list) return [...allTargets];
  const targets: Target[] = [];
  for (const id of list.split(',').map((s) => s.trim()).filter(Boolean)) {
    const t = targetById(id);
    if (!t) throw new UsageError(`unknown target "${id}" in ${flag}; choose from ${allTargets.map((x) => x.id).join(', ')}`);
    if (!targets.includes(t)) targets.push(t);
  }
  if (targets.length === 0) throw new UsageError(`${flag} needs at least one target`);
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

/** Text output shows this many diagnostics of one code and severity. */
const perCodeLimit = 20;

function printDiagnostics(io: Io, diagnostics: Diagnostic[], format: string, quiet: boolean): void {
  if (format === 'json') return io.out(`${JSON.stringify(diagnostics, null, 2)}\n`);
  if (format === 'sarif') return io.out(`${JSON.stringify(toSarif(diagnostics, version), null, 2)}\n`);
  const hidden = credentialLines(diagnostics);
  // A large pipeline repeats a finding per job: print the first few of each code, then count.
  const shown = new Map<string, number>();
  for (const d of diagnostics) {
    if (quiet && d.severity !== 'error') continue;
    const key = `${d.severity}:${d.code}`;
    const n = (shown.get(key) ?? 0) + 1;
    shown.set(key, n);
    if (n <= perCodeLimit) io.err(`${formatDiagnostic(d, undefined, hidden)}\n`);
  }
  for (const [key, n] of shown) if (n > perCodeLimit) io.err(`... and ${n - perCodeLimit} more ${key.replace(':', ' ')} (--format json lists them all)\n`);
}

/** Compile every config in memory: files to write, and all diagnostics. */
function compileAll(configs: string[], targets: Target[], out: string | undefined, options: EmitOptions): { files: PlannedFile[]; diagnostics: Diagnostic[] } {
  const files: PlannedFile[] = [];
  const diagnostics: Diagnostic[] = [];
  for (const config of configs) {
    const loaded = loadConfig(config);
    if (loaded.config === undefined) {
      diagnostics.push(...loaded.diagnostics);
      continue;
    }
    const outDir = out ? resolve(out) : dirname(resolve(config));
    const source = relative(outDir, resolve(config)).split('\\').join('/') || 'ci.config.ts';
    const result = compile(loaded.config, targets, { ...options, source }, { file: config });
    for (const d of result.diagnostics) diagnostics.push(d);
    for (const { file } of result.files) files.push({ path: join(outDir, file.path), contents: filePieces(file) });
  }
  return { files, diagnostics };
}

function requireFiles(patterns: string[], what: string): string[] {
  if (patterns.length === 0) throw new UsageError(`${what} needs at least one file`);
  const { files, unmatched } = expandFiles(patterns);
  if (unmatched.length > 0) throw new UsageError(`no file matches ${unmatched.map((u) => `"${u}"`).join(', ')}`);
  return files;
}

/** Run the CLI; returns the exit code. */
export function runCli(argv: string[], io: Io = processIo): number {
  try {
    const { values, positionals } = parseArgs({
      args: argv,
      allowPositionals: true,
      options: {
        help: { type: 'boolean', short: 'h' },
        version: { type: 'boolean', short: 'v' },
        target: { type: 'string', short: 't' },
        to: { type: 'string' },
        from: { type: 'string' },
        out: { type: 'string', short: 'o' },
        option: { type: 'string', multiple: true },
        format: { type: 'string' },
        report: { type: 'string' },
        ts: { type: 'boolean' },
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
    const quiet = values.quiet ?? false;
    const force = values.force ?? false;
    const from = values.from ? parseTargets(values.from, '--from')[0] : undefined;

    switch (command) {
      case 'compile':
      case 'check': {
        if (!['text', 'json', 'sarif'].includes(format)) throw new UsageError(`--format takes text, json or sarif, got "${format}"`);
        const targets = parseTargets(values.target);
        const options = parseOptions(values.option);
        const configs = rest.length > 0 ? rest : ['ci.config.ts'];
        const { files, diagnostics } = compileAll(configs, targets, values.out, options);
        printDiagnostics(io, diagnostics, format, quiet);
        if (hasErrors(diagnostics)) {
          io.err(`polyci: ${diagnostics.filter((d) => d.severity === 'error').length} error(s); no files written\n`);
          return 1;
        }
        const plan = planWrites(files, force);
        if (command === 'check') {
          const stale = plan.changed.map((f) => relative(process.cwd(), f.path));
          if (stale.length > 0) {
            io.err(`polyci check: ${stale.length} generated file(s) missing or out of date:\n${stale.map((s) => `  ${s}\n`).join('')}run \`polyci compile\` to update them\n`);
            return 1;
          }
          if (!quiet) io.err(`polyci check: ${files.length} file(s) up to date\n`);
          return 0;
        }
        if (hasErrors(plan.diagnostics)) {
          printDiagnostics(io, plan.diagnostics, 'text', false);
          io.err('polyci: no files written\n');
          return 1;
        }
        for (const f of plan.changed) writeAtomic(f.path, f.contents);
        if (!quiet) io.err(`polyci: ${plan.changed.length} file(s) written, ${files.length - plan.changed.length} unchanged\n`);
        return 0;
      }
      case 'migrate': {
        const report = values.report ?? 'text';
        if (!['text', 'json'].includes(report)) throw new UsageError(`--report takes text or json, got "${report}"`);
        if (!values.to && !values.ts) throw new UsageError('migrate needs --to TARGET[,TARGET] or --ts');
        const files = requireFiles(rest, 'migrate');
        const to = values.to ? parseTargets(values.to, '--to') : [...allTargets];
        const { reports, writeDiagnostics } = migrate(files, { to, from, out: values.out ?? 'polyci-out', ts: values.ts ?? false, force }, io);
        if (report === 'json') io.out(`${JSON.stringify({ files: reports }, null, 2)}\n`);
        else io.out(formatReport(reports));
        if (writeDiagnostics.length > 0) printDiagnostics(io, writeDiagnostics, 'text', false);
        return reports.some((r) => r.status === 'manual') || hasErrors(writeDiagnostics) ? 1 : 0;
      }
      case 'explain': {
        if (!['text', 'md', 'json'].includes(format)) throw new UsageError(`--format takes text, md or json, got "${format}"`);
        if (rest.length > 1) throw new UsageError('explain takes one file');
        const result = explain(rest[0] ?? 'ci.config.ts', format, io);
        printDiagnostics(io, result.diagnostics.filter((d) => d.severity === 'error'), 'text', false);
        return result.ok ? 0 : 1;
      }
      case 'lint': {
        if (!['text', 'json', 'sarif'].includes(format)) throw new UsageError(`--format takes text, json or sarif, got "${format}"`);
        const findings = lintFiles(requireFiles(rest, 'lint'), from);
        if (format === 'text') {
          const hidden = credentialLines(findings);
          for (const d of findings) io.out(`${formatDiagnostic(d, undefined, hidden)}\n`);
          io.out(`${findings.length} finding(s)\n`);
        } else printDiagnostics(io, findings, format, false);
        return findings.some((d) => d.severity !== 'info') ? 1 : 0;
      }
      case 'init': {
        const problem = init(rest[0] ?? 'ci.config.ts', force);
        if (problem) {
          io.err(`polyci: ${problem}\n`);
          return 1;
        }
        io.err(`polyci: wrote ${rest[0] ?? 'ci.config.ts'}; run \`polyci compile\`\n`);
        return 0;
      }
      default:
        throw new UsageError(`unknown command "${command}"; run polyci --help`);
    }
  } catch (error) {
    if (error instanceof UsageError || String((error as { code?: string }).code ?? '').startsWith('ERR_PARSE_ARGS')) {
      io.err(`polyci: ${(error as Error).message}\nRun polyci --help for usage.\n`);
      return 2;
    }
    throw error;
  }
}
