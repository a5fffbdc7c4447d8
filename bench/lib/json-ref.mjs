// The near-limit reference for item 2: the documents polyci emitted (parsed back
// from its output, so the very same data), JSON.stringify'd and written, in a fresh
// process. argv: <docs.v8> <outdir>. Prints {"deserializeMs","stringifyMs","writeMs"}.
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { deserialize } from 'node:v8';

const [docsFile, outDir] = process.argv.slice(2);
let t = performance.now();
const docs = deserialize(readFileSync(docsFile));
const deserializeMs = performance.now() - t;
t = performance.now();
const texts = docs.map((d) => JSON.stringify(d.data));
const stringifyMs = performance.now() - t;
t = performance.now();
mkdirSync(outDir, { recursive: true });
texts.forEach((text, i) => writeFileSync(join(outDir, `${i}.json`), text));
const writeMs = performance.now() - t;
process.stdout.write(JSON.stringify({ deserializeMs, stringifyMs, writeMs, bytes: texts.reduce((n, s) => n + s.length, 0) }));
