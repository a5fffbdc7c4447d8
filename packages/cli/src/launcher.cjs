#!/usr/bin/env node
// The `polyci` command: runs dist/main.js (the CLI bundle) with V8's code cache, as
// Node 22's module.enableCompileCache() would. Compiling the ~0.5 MB bundle and the
// functions a command calls costs ~20 ms of a ~100 ms start; from the cache, ~2 ms.
// The cache is per build (content hash), Node version and architecture, in the user's
// cache directory; V8 rejects one made under other flags, and it is then made again.
// Any failure here only loses the cache.
'use strict';
const fs = require('node:fs');
const path = require('node:path');
const Module = require('node:module');
const { Script } = require('node:vm');

const buildId = '__POLYCI_BUILD_ID__';
const file = path.join(__dirname, 'main.js');

function cacheFile() {
  const base = process.env.XDG_CACHE_HOME || (process.env.HOME ? path.join(process.env.HOME, '.cache') : undefined);
  return base && path.join(base, 'polyci', 'v8', `main-${buildId}-${process.version}-${process.arch}.bin`);
}

const cached = process.env.POLYCI_NO_CODE_CACHE ? undefined : cacheFile();
let cachedData;
if (cached) {
  try {
    cachedData = fs.readFileSync(cached);
  } catch {
    // first run of this build
  }
}
const script = new Script(Module.wrap(fs.readFileSync(file, 'utf8')), { filename: file, cachedData });
const main = new Module(file, module);
main.filename = file;
main.paths = Module._nodeModulePaths(__dirname);
main.loaded = true;
const requireMain = (id) => main.require(id);
requireMain.resolve = (request) => Module._resolveFilename(request, main);
requireMain.cache = Module._cache;
requireMain.main = process.mainModule;
if (cached && (!cachedData || script.cachedDataRejected)) {
  // After the command: the cache then holds the functions it compiled, not only the top level.
  process.once('exit', () => {
    try {
      fs.mkdirSync(path.dirname(cached), { recursive: true });
      const tmp = `${cached}.${process.pid}.tmp`;
      fs.writeFileSync(tmp, script.createCachedData());
      fs.renameSync(tmp, cached);
    } catch {
      // a read-only home only loses the cache
    }
  });
}
script.runInThisContext()(main.exports, requireMain, main, file, __dirname);
