/**
 * Jenkinsfile:
 * (a) `parseGroovy`: Debian's Groovy (2.4.x: the same Groovy line Jenkins' CPS engine uses) parses
 *     every file to the CONVERSION phase only (SourceUnit.parse + convert: no CompilationUnit, so no
 *     AST transformation, no @Grab, no class generation, nothing executed) and dumps a generic AST
 *     as JSON (see groovy/ast-dump.groovy for the node shapes). All files go through ONE JVM.
 * (b) `lintJenkinsfiles`: npm-groovy-lint@15.0.2 (CodeNarc 3.5) on all files in one run, error
 *     level only.
 *
 * Environment: JAVA_HOME is located when unset (/usr/lib/jvm/*17*, Debian has no default-java
 * link), see `findJavaHome`. Groovy runs with -Dgroovy.grape.enable=false. npm-groovy-lint is
 * run with `--noserver` (no background CodeNarc HTTP server left running), `--javaexecutable
 * $JAVA_HOME/bin/java` (otherwise its java-caller checks `java -version` and, if it is not
 * exactly 17, DOWNLOADS a JRE), `--output json`, `--failon none`, `--loglevel error`, a
 * `.groovylintrc.json` extending `recommended-jenkinsfile` in a temp dir (no config from the
 * repo or $HOME), and `-Dgroovy.grape.enable=false` in its java options (its parse step compiles
 * with GroovyShell, where a global @Grab transform could otherwise download). Usage statistics
 * (`--insight`) are off by default in 15.x.
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import { basename, join } from 'node:path';
import type { Finding } from './common';
import { findJavaHome, REPO_ROOT, run, withTempDir } from './common';

export interface GroovyFile {
  name: string;
  text: string;
}

/** A node of the dumped AST. Strings are constant strings exactly as Groovy read them. */
export type GroovyNode =
  | string
  | number
  | boolean
  | null
  | GroovyNode[]
  | GroovyCall
  | GroovyGString
  | { [key: string]: any };

export interface GroovyCall {
  call: string;
  args: GroovyNode[];
  named?: Record<string, GroovyNode>;
  closure?: GroovyNode[];
  closureParams?: string[];
  receiver?: GroovyNode;
  line?: number;
  column?: number;
}

export interface GroovyGString {
  gstring: ({ text: string } | { interpolated: GroovyNode; source: string })[];
  line?: number;
  column?: number;
}

export interface GroovyParseResult {
  name: string;
  ok: boolean;
  errors: { line?: number; column?: number; message: string }[];
  statements: GroovyNode[];
  methods: { name: string; params: string[]; body: GroovyNode[]; line?: number; column?: number }[];
  classes: string[];
}

const AST_DUMP = join(__dirname, 'groovy', 'ast-dump.groovy');
// The script's file name has a '-', which is not a legal class name for the closures Groovy
// generates, so it is evaluated under the class name AstDump.
const BOOTSTRAP = "new GroovyShell().evaluate(new File(args[0]).getText('UTF-8'), 'AstDump.groovy')";

function javaEnv(): NodeJS.ProcessEnv {
  const javaHome = findJavaHome();
  return {
    ...process.env,
    JAVA_HOME: javaHome,
    JAVA_OPTS: '-Dgroovy.grape.enable=false -Dfile.encoding=UTF-8 -XX:TieredStopAtLevel=1 -XX:+UseSerialGC -Xshare:auto',
    LANG: 'C.UTF-8',
  };
}

/** Parse all files in one JVM. Result i belongs to files[i]. */
export async function parseGroovy(files: GroovyFile[], options: { timeoutMs?: number } = {}): Promise<GroovyParseResult[]> {
  if (files.length === 0) return [];
  const r = await run('groovy', ['-e', BOOTSTRAP, AST_DUMP], {
    env: javaEnv(),
    input: JSON.stringify(files.map((f) => ({ name: f.name, text: f.text }))),
    timeoutMs: options.timeoutMs ?? 300000,
  });
  if (r.code !== 0) {
    throw new Error(`groovy ast-dump failed (exit ${r.code}, signal ${r.signal}):\n${r.stderr}\n${r.stdout.slice(0, 2000)}`);
  }
  const results = JSON.parse(r.stdout) as GroovyParseResult[];
  if (results.length !== files.length) throw new Error(`groovy ast-dump returned ${results.length} results for ${files.length} files`);
  return results;
}

/** Syntax errors of parse results as findings (rule `groovy:syntax`). */
export function groovySyntaxFindings(results: GroovyParseResult[]): Finding[] {
  return results.flatMap((r) =>
    r.errors.map((e) => ({ file: r.name, line: e.line, column: e.column, message: e.message, rule: 'groovy:syntax' })),
  );
}

/** Parse and return only the syntax findings. */
export async function validateGroovySyntax(files: GroovyFile[]): Promise<Finding[]> {
  return groovySyntaxFindings(await parseGroovy(files));
}

/** Depth-first walk over every node (calls, closures, arguments, GString parts ...). */
export function walkGroovy(nodes: GroovyNode | GroovyNode[], visit: (node: GroovyNode, parents: GroovyNode[]) => void, parents: GroovyNode[] = []): void {
  if (Array.isArray(nodes)) {
    for (const n of nodes) walkGroovy(n, visit, parents);
    return;
  }
  visit(nodes, parents);
  if (nodes && typeof nodes === 'object') {
    for (const v of Object.values(nodes)) {
      if (v && typeof v === 'object') walkGroovy(v as GroovyNode, visit, [...parents, nodes]);
    }
  }
}

/** All method calls named `name` anywhere in the tree. */
export function findCalls(nodes: GroovyNode | GroovyNode[], name: string): GroovyCall[] {
  const out: GroovyCall[] = [];
  walkGroovy(nodes, (n) => {
    if (n && typeof n === 'object' && !Array.isArray(n) && (n as GroovyCall).call === name) out.push(n as GroovyCall);
  });
  return out;
}

/** Every GString (interpolated string) in the tree. */
export function findGStrings(nodes: GroovyNode | GroovyNode[]): GroovyGString[] {
  const out: GroovyGString[] = [];
  walkGroovy(nodes, (n) => {
    if (n && typeof n === 'object' && !Array.isArray(n) && Array.isArray((n as GroovyGString).gstring)) out.push(n as GroovyGString);
  });
  return out;
}

// ---------------------------------------------------------------------------------------------
// npm-groovy-lint

const GROOVY_LINT = join(REPO_ROOT, 'node_modules', 'npm-groovy-lint', 'lib', 'index.js');

interface LintJsonError {
  line?: number;
  range?: { start?: { line?: number; character?: number } };
  rule: string;
  severity: string;
  msg: string;
}

/**
 * Lint all files in ONE npm-groovy-lint run; only error-level findings are returned
 * (rule `codenarc:<Rule>`; parse errors are `codenarc:NglParseError` with the line taken from
 * the Groovy message, since npm-groovy-lint reports them on line 0).
 */
export async function lintJenkinsfiles(files: GroovyFile[], options: { timeoutMs?: number } = {}): Promise<Finding[]> {
  if (files.length === 0) return [];
  const javaHome = findJavaHome();
  return withTempDir('groovylint', async (dir) => {
    writeFileSync(join(dir, '.groovylintrc.json'), JSON.stringify({ extends: 'recommended-jenkinsfile' }));
    const byPath = new Map<string, string>();
    const paths = files.map((f, i) => {
      // one sub-dir per file: names may repeat ("Jenkinsfile") and contain slashes
      const sub = join(dir, String(i));
      mkdirSync(sub);
      const base = basename(f.name) || 'Jenkinsfile';
      const p = join(sub, /\.(groovy|gvy|gradle|nf)$|^Jenkinsfile$/.test(base) ? base : `${base}.groovy`);
      writeFileSync(p, f.text);
      byPath.set(p, f.name);
      return p;
    });
    const r = await run(
      process.execPath,
      [
        GROOVY_LINT,
        '--noserver',
        '--javaexecutable',
        join(javaHome, 'bin', 'java'),
        // `=` form: a separate value starting with '-' is taken for an option by its parser
        '--javaoptions=-Xms256m,-Xmx2048m,-Dgroovy.grape.enable=false',
        '--output',
        'json',
        '--failon',
        'none',
        '--loglevel',
        'error',
        '--config',
        dir,
        ...paths,
      ],
      {
        cwd: dir,
        env: { ...process.env, JAVA_HOME: javaHome, HOME: dir, NO_COLOR: '1', FORCE_COLOR: '0' },
        timeoutMs: options.timeoutMs ?? 300000,
      },
    );
    const start = r.stdout.indexOf('{');
    let json: { files?: Record<string, { errors: LintJsonError[] }> };
    try {
      json = JSON.parse(r.stdout.slice(start));
    } catch {
      throw new Error(`npm-groovy-lint did not print JSON (exit ${r.code}):\n${r.stdout.slice(0, 2000)}\n${r.stderr.slice(0, 2000)}`);
    }
    const findings: Finding[] = [];
    for (const [p, { errors }] of Object.entries(json.files ?? {})) {
      const file = byPath.get(p) ?? p;
      for (const e of errors) {
        if (e.severity !== 'error') continue;
        let line = e.line && e.line > 0 ? e.line : undefined;
        let column = e.range?.start?.character !== undefined && line ? e.range.start.character + 1 : undefined;
        let msg = e.msg;
        const pos = /@ line (\d+), column (\d+)\./.exec(msg);
        if (!line && pos) {
          line = Number(pos[1]);
          column = Number(pos[2]);
        }
        msg = msg.split(dirname_(p) + '/').join('');
        findings.push({ file, ...(line ? { line } : {}), ...(column ? { column } : {}), message: msg, rule: `codenarc:${e.rule}` });
      }
    }
    // stable order: input file order, then line
    const order = new Map(files.map((f, i) => [f.name, i]));
    return findings.sort((a, b) => (order.get(a.file) ?? 0) - (order.get(b.file) ?? 0) || (a.line ?? 0) - (b.line ?? 0));
  });
}

function dirname_(p: string): string {
  return p.slice(0, p.lastIndexOf('/'));
}
