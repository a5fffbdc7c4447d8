/**
 * Load a ci.config.ts without the TypeScript compiler. A config that is JavaScript
 * apart from its imports, exports and simple type forms is turned into CommonJS by
 * `fastTranspile` (one pass, no cache needed); anything else goes through sucrase
 * (pure JS, ~30 ms to load, line numbers kept), whose result is cached by content
 * hash under node_modules/.cache/polyci, so a warm run loads no transpiler at all.
 * `@polyci/core` inside the config resolves to the copy bundled in the CLI, so the
 * config and the CLI agree on one IR.
 */
import { existsSync, mkdirSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import Module, { createRequire } from 'node:module';
import { homedir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { Script } from 'node:vm';
import * as core from '@polyci/core';
import { diagnostic, type Diagnostic } from '@polyci/core';
import { fastTranspile } from './fast-transpile';

const transpilerVersion = 'sucrase-3.35.1+fast:2';

/** The project's node_modules/.cache/polyci, else the user's cache directory. */
function cacheDir(fromFile: string): string | undefined {
  let dir = dirname(fromFile);
  for (;;) {
    if (existsSync(join(dir, 'node_modules'))) return join(dir, 'node_modules', '.cache', 'polyci');
    const up = dirname(dir);
    if (up === dir) break;
    dir = up;
  }
  const home = process.env.XDG_CACHE_HOME || (homedir() ? join(homedir(), '.cache') : undefined);
  return home ? join(home, 'polyci') : undefined;
}

/** Above this size (in bytes), hashing the source and reading the cache beats scanning it again. */
const largeConfig = 1 << 20;

const wrap = (code: string): string => `(function (exports, require, module, __filename, __dirname) {${code}\n})`;

function writeCache(path: string, data: string | Buffer): void {
  try {
    mkdirSync(dirname(path), { recursive: true });
    const tmp = `${path}.${process.pid}.tmp`;
    writeFileSync(tmp, data);
    renameSync(tmp, path);
  } catch {
    // a read-only tree only loses the cache
  }
}

function sucrase(file: string, source: string): string {
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  const { transform } = require('sucrase') as typeof import('sucrase');
  return transform(source, { transforms: ['typescript', 'imports'], filePath: file, production: true }).code;
}

/** The fast scanner's CommonJS if V8 accepts it, else sucrase's. */
function transpile(file: string, source: string): { code: string; script?: Script } {
  const fast = fastTranspile(source);
  if (fast !== undefined) {
    try {
      return { code: fast, script: new Script(wrap(fast), { filename: file }) };
    } catch {
      // TypeScript the scanner does not know: sucrase reads it, or reports the error.
    }
  }
  return { code: sucrase(file, source) };
}

/**
 * The compiled config, and a callback to run once it has run. A small config is
 * transpiled every time (no hash, no cache: cheaper than both) unless it needs sucrase,
 * whose output is cached by content hash. A large one is cached by content hash with
 * V8's code cache beside it (made after the run, so it holds the config's own function):
 * compiling an 18 MB literal config costs V8 more than any step after it.
 */
function compileConfig(file: string, bytes: Buffer): { script: Script; after?: () => void } {
  const large = bytes.length >= largeConfig;
  // A large config is hashed as bytes, and decoded only on a cache miss.
  let text: string | undefined;
  const source = (): string => (text ??= bytes.toString('utf8'));
  if (!large) {
    const fast = transpile(file, source());
    if (fast.script) return { script: fast.script };
  }
  // node:crypto only here: the fast path of a small config never hashes, and loading it costs a cold start ~5 ms.
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  const { createHash } = require('node:crypto') as typeof import('node:crypto');
  const key = createHash('sha256').update(`${transpilerVersion}\0${process.version}\0`).update(bytes).digest('hex');
  const dir = cacheDir(file);
  const js = dir && join(dir, `${key}.js`);
  const v8 = dir && join(dir, `${key}.v8`);
  let code: string;
  let script: Script | undefined;
  if (js && existsSync(js)) {
    code = readFileSync(js, 'utf8');
  } else {
    const made = large ? transpile(file, source()) : { code: sucrase(file, source()) };
    code = made.code;
    script = made.script;
    if (js) writeCache(js, code);
  }
  if (!large) return { script: script ?? new Script(wrap(code), { filename: file }) };
  const cachedData = !script && v8 && existsSync(v8) ? readFileSync(v8) : undefined;
  script ??= new Script(wrap(code), { filename: file, cachedData });
  const compiled = script;
  const fresh = !cachedData || compiled.cachedDataRejected === true;
  return { script: compiled, after: fresh && v8 ? () => writeCache(v8, compiled.createCachedData()) : undefined };
}

class ConfigError extends Error {
  constructor(readonly diagnostic: Diagnostic) {
    super(diagnostic.message);
  }
}

/** Errors from the config's realm may not be `instanceof Error` here (jest, vm contexts). */
function asError(error: unknown): { name: string; message: string; stack: string } | undefined {
  if (error && typeof error === 'object' && typeof (error as Error).message === 'string') {
    const e = error as Error;
    return { name: String(e.name ?? 'Error'), message: e.message, stack: String(e.stack ?? '') };
  }
  return undefined;
}

function locate(error: unknown, file: string): { line?: number; column?: number } {
  if (error && typeof error === 'object' && 'loc' in error) {
    const loc = (error as { loc?: { line: number; column: number } }).loc;
    if (loc) return { line: loc.line, column: loc.column + 1 };
  }
  const e = asError(error);
  const text = e ? `${e.message}\n${e.stack}` : '';
  // V8 syntax errors: "file:LINE\n<source line>\n    ^^^\n\nSyntaxError: ..."
  const syntax = e ? /^(.*):(\d+)\n(.*)\n(\s*)\^/.exec(e.stack) : null;
  if (syntax && syntax[1] === file) return { line: Number(syntax[2]), column: syntax[4].length + 1 };
  const escaped = file.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
  const frame = new RegExp(`${escaped}:(\\d+):(\\d+)`).exec(text);
  return frame ? { line: Number(frame[1]), column: Number(frame[2]) } : {};
}

function loadModule(file: string, seen: Map<string, unknown>): unknown {
  if (seen.has(file)) return seen.get(file);
  const bytes = readFileSync(file);
  const mod = new Module(file);
  mod.filename = file;
  mod.paths = (Module as unknown as { _nodeModulePaths(dir: string): string[] })._nodeModulePaths(dirname(file));
  seen.set(file, mod.exports);
  const fallback = createRequire(file);
  const requireFromConfig = (id: string): unknown => {
    if (id === '@polyci/core') return core;
    if (id.startsWith('.') && /\.[cm]?ts$|^[^.]*$/.test(id)) {
      for (const candidate of [resolve(dirname(file), id), `${resolve(dirname(file), id)}.ts`, join(resolve(dirname(file), id), 'index.ts')]) {
        if (candidate.endsWith('.ts') && existsSync(candidate)) return loadModule(candidate, seen);
      }
    }
    return fallback(id);
  };
  // Wrapped on the first line, so stack frames and syntax errors keep the file's own line numbers.
  const { script, after } = compileConfig(file, bytes);
  const wrapper = script.runInThisContext() as (...args: unknown[]) => void;
  wrapper.call(mod.exports, mod.exports, requireFromConfig, mod, file, dirname(file));
  after?.();
  seen.set(file, mod.exports);
  return mod.exports;
}

/** Run a ci.config.ts and return what it exports as the pipeline (default export, or `config`). */
export function loadConfig(path: string): { config?: unknown; diagnostics: Diagnostic[] } {
  const file = resolve(path);
  if (!existsSync(file)) {
    return { diagnostics: [diagnostic('PCI001', 'error', `cannot read ${path}: no such file`, { file: path, hint: 'pass the path of a ci.config.ts, or run `polyci init` to create one' })] };
  }
  try {
    const exports = loadModule(file, new Map()) as Record<string, unknown>;
    let config = exports && (exports.default ?? exports.config);
    if (config && typeof config === 'object' && 'default' in config && Object.keys(config).length === 1) config = (config as { default: unknown }).default;
    if (typeof config === 'function') config = (config as () => unknown)();
    if (config === undefined || config === null) {
      throw new ConfigError(diagnostic('PCI001', 'error', "the config exports no pipeline", { file: path, hint: 'end the file with `export default defineConfig({ ... })`' }));
    }
    return { config, diagnostics: [] };
  } catch (error) {
    if (error instanceof ConfigError) return { diagnostics: [error.diagnostic] };
    const where = locate(error, file);
    const e = asError(error);
    const message = e ? e.message : String(error);
    const syntax = e?.name === 'SyntaxError';
    return {
      diagnostics: [
        diagnostic('PCI001', 'error', syntax ? `the config does not parse: ${message}` : `the config threw while loading: ${message}`, {
          file: path,
          ...where,
          hint: syntax ? 'fix the syntax error at this position' : 'the config must build and export a pipeline without throwing',
        }),
      ],
    };
  }
}
