/**
 * Shared plumbing for the vendor validators: the Finding type, process spawning, temp dirs,
 * JAVA_HOME discovery and YAML position lookup.
 */
import { spawn } from 'node:child_process';
import { existsSync, mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { Document, LineCounter, parseDocument, isNode } from 'yaml';

/** One problem reported by a real vendor tool. An empty list means "valid". */
export interface Finding {
  /** file name as given to the validator (or a default such as `.gitlab-ci.yml`) */
  file: string;
  line?: number;
  column?: number;
  message: string;
  /** `<tool>:<kind>`, e.g. `actionlint:expression`, `gitlab:schema`, `k8s:Container`, `groovy:syntax` */
  rule: string;
  /** JSON pointer into the document, where the tool gives one (Buildkite, compose, GitLab schema) */
  path?: string;
}

/** Repository root (/work/main locally, the fresh clone in CI). */
export const REPO_ROOT = resolve(__dirname, '../..');
/** `../shared/schemas` beside the repository (same relative layout in CI). */
export const SHARED_SCHEMAS = resolve(__dirname, '../../../shared/schemas');

export interface RunResult {
  code: number | null;
  signal: NodeJS.Signals | null;
  stdout: string;
  stderr: string;
  ms: number;
}

export function run(
  cmd: string,
  args: string[],
  opts: { cwd?: string; env?: NodeJS.ProcessEnv; input?: string; timeoutMs?: number } = {},
): Promise<RunResult> {
  const t0 = Date.now();
  return new Promise((resolvePromise, reject) => {
    const child = spawn(cmd, args, {
      cwd: opts.cwd,
      env: opts.env ?? process.env,
      stdio: ['pipe', 'pipe', 'pipe'],
    });
    const out: Buffer[] = [];
    const err: Buffer[] = [];
    child.stdout.on('data', (b: Buffer) => out.push(b));
    child.stderr.on('data', (b: Buffer) => err.push(b));
    let timer: NodeJS.Timeout | undefined;
    if (opts.timeoutMs) {
      timer = setTimeout(() => child.kill('SIGKILL'), opts.timeoutMs);
    }
    child.on('error', (e) => {
      if (timer) clearTimeout(timer);
      reject(e);
    });
    child.on('close', (code, signal) => {
      if (timer) clearTimeout(timer);
      resolvePromise({
        code,
        signal,
        stdout: Buffer.concat(out).toString('utf8'),
        stderr: Buffer.concat(err).toString('utf8'),
        ms: Date.now() - t0,
      });
    });
    child.stdin.on('error', () => undefined); // child may exit before reading stdin
    child.stdin.end(opts.input ?? '');
  });
}

/** Run `fn` in a fresh temp dir, removed afterwards. */
export async function withTempDir<T>(prefix: string, fn: (dir: string) => Promise<T>): Promise<T> {
  const dir = mkdtempSync(join(tmpdir(), `polyci-${prefix}-`));
  try {
    return await fn(dir);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

/** Map over items with at most `limit` promises in flight; results keep input order. */
export async function mapLimit<T, R>(items: T[], limit: number, fn: (item: T, i: number) => Promise<R>): Promise<R[]> {
  const results: R[] = new Array(items.length);
  let next = 0;
  const workers = Array.from({ length: Math.max(1, Math.min(limit, items.length)) }, async () => {
    while (next < items.length) {
      const i = next++;
      results[i] = await fn(items[i], i);
    }
  });
  await Promise.all(workers);
  return results;
}

let javaHomeCache: string | undefined;
/**
 * JAVA_HOME for groovy / CodeNarc. Debian has no `default-java` link here, so when JAVA_HOME is
 * unset (or wrong) we pick /usr/lib/jvm/*17* (Groovy 2.4 and npm-groovy-lint's CodeNarc want 17),
 * else any JDK there that has bin/java. Also exported into process.env so child tools see it.
 */
export function findJavaHome(): string {
  if (javaHomeCache) return javaHomeCache;
  const fromEnv = process.env.JAVA_HOME;
  let home: string | undefined;
  if (fromEnv && existsSync(join(fromEnv, 'bin', 'java'))) {
    home = fromEnv;
  } else {
    const base = '/usr/lib/jvm';
    const candidates = existsSync(base)
      ? readdirSync(base)
          .map((d) => join(base, d))
          .filter((d) => existsSync(join(d, 'bin', 'java')))
          .sort()
      : [];
    home = candidates.find((d) => /17/.test(d)) ?? candidates[0];
  }
  if (!home) {
    throw new Error('No JDK found: set JAVA_HOME or install one under /usr/lib/jvm (apt-get install -y groovy pulls openjdk)');
  }
  process.env.JAVA_HOME = home;
  javaHomeCache = home;
  return home;
}

/** Parse YAML keeping positions, so findings with a JSON path can get a line/column. */
export function parseYamlWithPositions(text: string, options: { version?: '1.1' | '1.2' } = {}) {
  const lineCounter = new LineCounter();
  const doc: Document = parseDocument(text, { lineCounter, merge: true, prettyErrors: false, uniqueKeys: true, ...options });
  return { doc, lineCounter };
}

/** YAML syntax errors of a parsed document as findings. */
export function yamlErrors(doc: Document, lineCounter: LineCounter, file: string, rule = 'yaml:syntax'): Finding[] {
  return doc.errors.map((e) => {
    const p = lineCounter.linePos(e.pos[0]);
    return { file, line: p.line, column: p.col, message: e.message.split('\n')[0], rule };
  });
}

/** JSON pointer ("/steps/0/plugins") to path segments. */
export function pointerToPath(pointer: string): (string | number)[] {
  if (!pointer) return [];
  return pointer
    .split('/')
    .slice(1)
    .map((s) => s.replace(/~1/g, '/').replace(/~0/g, '~'))
    .map((s) => (/^\d+$/.test(s) ? Number(s) : s));
}

export function pathToPointer(path: (string | number)[]): string {
  return path.map((s) => '/' + String(s).replace(/~/g, '~0').replace(/\//g, '~1')).join('');
}

/** Line/column of the deepest existing node along a JSON pointer. */
export function locate(doc: Document, lineCounter: LineCounter, pointer: string): { line?: number; column?: number } {
  let path = pointerToPath(pointer);
  while (true) {
    const node = path.length === 0 ? doc.contents : doc.getIn(path, true);
    if (isNode(node) && node.range) {
      const p = lineCounter.linePos(node.range[0]);
      return { line: p.line, column: p.col };
    }
    if (path.length === 0) return {};
    path = path.slice(0, -1);
  }
}
