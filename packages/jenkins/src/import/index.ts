/**
 * Jenkinsfiles back to the polyci IR: lex and parse the Groovy (chevrotain), then read
 * the declarative pipeline. Never throws: syntax errors are PCI040, what cannot be read
 * PCI041, what is kept for Jenkins only PCI042, literal credentials PCI044, each with
 * file:line:col.
 */
import { decodeInput, diagnostic, generatedMarker, parsePipeline, type Diagnostic, type InputFile, type ImportResult, type Pipeline } from '@polyci/core';
import { ImportContext } from './context';
import { callName, statementCall } from './evaluate';
import { parseGroovy } from './parser';
import { stringParts } from './strings';
import { readPipeline } from './pipeline';

/** Does this file look like a Jenkinsfile? */
export function detectJenkinsfile(path: string, text: string): boolean {
  if (/(^|[\\/])Jenkinsfile[^\\/]*$/.test(path)) return true;
  if (/\.(groovy|jenkinsfile|jenkins)$/i.test(path)) return /(^|\n)\s*(pipeline|node)\s*(\(|\{)/.test(text);
  return text.includes(generatedMarker) && /(^|\n)\s*pipeline\s*\{/.test(text);
}

function pipelineName(path: string): string {
  const parts = path.split(/[\\/]/).filter((p) => p !== '' && p !== '.');
  const file = parts[parts.length - 1] ?? '';
  const stem = file.replace(/^Jenkinsfile[._-]?/, '').replace(/\.(groovy|jenkinsfile|jenkins)$/i, '');
  const name = stem || parts[parts.length - 2] || 'jenkins';
  return name.slice(0, 200);
}

/** The name polyci writes above the pipeline block: `// pipeline: 'name'`. */
function writtenName(comments: { text: string; offset: number }[], before: number): string | undefined {
  for (const c of comments) {
    if (c.offset > before) break;
    const m = /^\/\/ pipeline: ('(?:[^'\\\r\n]|\\.)*')\s*$/.exec(c.text);
    const parts = m ? stringParts(m[1], 0) : undefined;
    if (parts && typeof parts[0] === 'string' && parts[0] !== '') return parts[0].slice(0, 200);
  }
  return undefined;
}

function emptyPipeline(name: string): Pipeline {
  return { name, env: {}, triggers: { push: {} }, policy: {}, jobs: {} } as Pipeline;
}

/** Import one Jenkinsfile. */
export function importJenkinsfile(file: InputFile, files: InputFile[] = [file]): ImportResult {
  const name = pipelineName(file.path);
  const decoded = decodeInput(file.path, file.contents);
  if (decoded.text === undefined) return { pipeline: emptyPipeline(name), diagnostics: decoded.diagnostics };
  const ctx = new ImportContext(file.path, decoded.text);
  const parsed = parseGroovy(decoded.text);
  if (parsed.errors.length > 0) {
    for (const e of parsed.errors) {
      const at = ctx.position(e.offset);
      ctx.diagnostics.push(diagnostic('PCI040', 'error', `Groovy syntax: ${e.message}`, { file: file.path, line: e.line ?? at.line, column: e.column ?? at.column, hint: 'fix the Jenkinsfile at this position' }));
    }
    return { pipeline: emptyPipeline(name), diagnostics: ctx.diagnostics };
  }
  const calls = parsed.statements.map((s) => ({ s, c: statementCall(s) }));
  const pipelineCall = calls.find(({ c }) => c && callName(c) === 'pipeline' && c.closure)?.c;
  if (!pipelineCall) {
    const scripted = calls.find(({ c }) => c && ['node', 'stage', 'podTemplate', 'timestamps', 'ansiColor', 'withEnv'].includes(callName(c) ?? ''));
    const at = scripted?.s ?? parsed.statements[0];
    ctx.report('PCI041', 'error', scripted ? `scripted pipeline (${callName(scripted.c!)} { ... }) is not supported: only declarative pipeline { } is read` : 'no pipeline { } block: not a declarative Jenkinsfile', at, 'convert it to a declarative pipeline');
    return { pipeline: emptyPipeline(name), diagnostics: ctx.diagnostics };
  }
  const rest = parsed.statements.filter((s) => statementCall(s) !== pipelineCall);
  const { pipeline: input, spans } = readPipeline(pipelineCall, rest, ctx, files, writtenName(parsed.comments, pipelineCall.start) ?? name, parsed.comments);
  const checked = parsePipeline(input);
  if (!checked.pipeline) {
    for (const d of checked.diagnostics) {
      const job = /^jobs\.([A-Za-z0-9_-]+)/.exec(d.path ?? '')?.[1];
      const at = ctx.position((job ? spans.get(job)?.start : undefined) ?? pipelineCall.start);
      ctx.diagnostics.push({ ...d, file: file.path, line: at.line, column: at.column, message: `imported pipeline: ${d.message}` });
    }
    return { pipeline: { ...emptyPipeline(name), ...input } as Pipeline, diagnostics: ctx.diagnostics };
  }
  return { pipeline: checked.pipeline, diagnostics: ctx.diagnostics };
}

/** Import the Jenkinsfile among `files` (other files, such as pod templates, may be referenced by it). */
export function importJenkinsfiles(files: InputFile[]): ImportResult {
  try {
    const jenkinsfiles = files.filter((f) => detectJenkinsfile(f.path, f.contents));
    const chosen = jenkinsfiles[0] ?? files[0];
    if (!chosen) return { pipeline: emptyPipeline('jenkins'), diagnostics: [diagnostic('PCI041', 'error', 'no Jenkinsfile to import', { hint: 'pass the Jenkinsfile' })] };
    const result = importJenkinsfile(chosen, files);
    const extra: Diagnostic[] = jenkinsfiles.slice(1).map((f) => diagnostic('PCI041', 'warning', 'only one Jenkinsfile is imported at a time: this one is left out', { file: f.path, line: 1, column: 1, hint: 'import each Jenkinsfile on its own' }));
    return { pipeline: result.pipeline, diagnostics: [...result.diagnostics, ...extra] };
  } catch (error) {
    // A bug here must still be a diagnostic, never a stack trace for the user.
    const message = error instanceof Error ? error.message : String(error);
    return { pipeline: emptyPipeline('jenkins'), diagnostics: [diagnostic('PCI041', 'error', `the Jenkinsfile could not be read: ${message.slice(0, 200)}`, { file: files[0]?.path, line: 1, column: 1, hint: 'please report this input' })] };
  }
}
