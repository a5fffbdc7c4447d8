// Preloaded with `node -r`: at exit, write the files of every CommonJS module the
// process loaded (require.cache) to $POLYCI_BENCH_TRACE, one per line. Used to
// check that loading ci.config.ts pulls in neither the TypeScript compiler nor ts-morph.
'use strict';
const { writeFileSync } = require('node:fs');
const out = process.env.POLYCI_BENCH_TRACE;
if (out) {
  process.on('exit', () => {
    writeFileSync(out, `${Object.keys(require.cache).join('\n')}\n`);
  });
}
