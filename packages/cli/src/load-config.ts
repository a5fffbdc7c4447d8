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
import { dirname, join, resolve } from 'node:path';
import * as core from '@polyci/core';
import { diagnostic, type Diagnostic } from '@polyci/core';

const transpilerVersion = 'sucrase-3.35.1:1';

function cacheDir(fromFile: string): string | undefined {
  let dir = dirname(fromFile);
  for (;;) {
    if (existsSync(join(dir, 'node_modules'))) return join(dir, 'node_modules', '.cache', 'polyci');
    const up = dirname(dir);
    if (up === dir) return undefined;
    dir = up;
  }
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

function locate(error: unknown, file: string): { line?: number; column?: number } {
  if (error && typeof error === 'object' && 'loc' in error) {
    const loc = (error as { loc?: { line: number; column: number } }).loc;
    if (loc) return { line: loc.line, column: loc.column + 1 };
  }
  const text = error instanceof Error ? `${error.message}\n${error.stack ?? ''}` : '';
  const m = /\((\d+):(\d+)\)/.exec(text);
  if (m && !(error instanceof Error && error.stack?.includes(file))) return { line: Number(m[1]), column: Number(m[2]) + 1 };
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
  const wrapper = new Function('exports', 'require', 'module', '__filename', '__dirname', code);
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
      throw new ConfigError(diagnostic('PCI001', 'error', `${path} exports no pipeline`, { file: path, hint: 'end the file with `export default defineConfig({ ... })`' }));
    }
    return { config, diagnostics: [] };
  } catch (error) {
    if (error instanceof ConfigError) return { diagnostics: [error.diagnostic] };
    const where = locate(error, file);
    const message = error instanceof Error ? error.message.replace(/\s*\(\d+:\d+\)$/, '') : String(error);
    const syntax = error instanceof SyntaxError || (error as { name?: string })?.name === 'SyntaxError' || /Unexpected token|Expected/.test(message);
    return {
      diagnostics: [
        diagnostic('PCI001', 'error', syntax ? `${path} does not parse: ${message}` : `${path} threw while loading: ${message}`, {
          file: path,
          ...where,
          hint: syntax ? 'fix the syntax error at this position' : 'the config must build and export a pipeline without throwing',
        }),
      ],
    };
  }
}
