/**
 * Load a ci.config.ts without the TypeScript compiler: sucrase strips the types
 * (pure JS, ~30 ms to load, line numbers kept), and the result is cached by
 * content hash under node_modules/.cache/polyci, so a warm run loads no
 * transpiler at all. `@polyci/core` inside the config resolves to the copy
 * bundled in the CLI, so the config and the CLI agree on one IR.
 */
import { createHash } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import Module, { createRequire } from 'node:module';
import { homedir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { Script } from 'node:vm';
import * as core from '@polyci/core';
import { diagnostic, type Diagnostic } from '@polyci/core';

const transpilerVersion = 'sucrase-3.35.1:1';

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

/** TypeScript source to CommonJS, from the cache when this exact source was seen before. */
function transpile(file: string, source: string): string {
  const hash = createHash('sha256').update(transpilerVersion).update('\0').update(source).digest('hex');
  const dir = cacheDir(file);
  const cached = dir && join(dir, `${hash}.js`);
  if (cached && existsSync(cached)) return readFileSync(cached, 'utf8');
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  const { transform } = require('sucrase') as typeof import('sucrase');
  const code = transform(source, { transforms: ['typescript', 'imports'], filePath: file, production: true }).code;
  if (cached && dir) {
    try {
      mkdirSync(dir, { recursive: true });
      const tmp = `${cached}.${process.pid}.tmp`;
      writeFileSync(tmp, code);
      renameSync(tmp, cached);
    } catch {
      // a read-only tree only loses the cache
    }
  }
  return code;
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
  const source = readFileSync(file, 'utf8');
  const code = transpile(file, source);
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
  const script = new Script(`(function (exports, require, module, __filename, __dirname) {${code}\n})`, { filename: file });
  const wrapper = script.runInThisContext() as (...args: unknown[]) => void;
  wrapper.call(mod.exports, mod.exports, requireFromConfig, mod, file, dirname(file));
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
