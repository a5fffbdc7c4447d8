/**
 * Loading chevrotain. chevrotain 11 ships only ES modules: the CLI bundle (esbuild) inlines
 * it through the plain `require`, but jest in this repo transforms `.ts` files only and cannot
 * load an ES module through its own `require`. Node 20.19+ can (`require(esm)`), so the
 * fallback asks Node's own loader, which jest does not wrap. Loaded on first use so that
 * emitting Jenkinsfiles never pays for the parser.
 */
import type * as Chevrotain from 'chevrotain';

let loaded: typeof Chevrotain | undefined;

/** The chevrotain module. */
export function chevrotain(): typeof Chevrotain {
  if (loaded) return loaded;
  try {
    loaded = require('chevrotain') as typeof Chevrotain;
  } catch {
    const nodeModule = (process as unknown as { getBuiltinModule(id: string): typeof import('node:module') }).getBuiltinModule('node:module');
    loaded = nodeModule.createRequire(__filename)('chevrotain') as typeof Chevrotain;
  }
  return loaded;
}
