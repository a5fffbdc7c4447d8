// Precompile templates/*.hbs into src/templates.generated.ts: the package and the CLI
// bundle carry them without reading files at run time, and without the Handlebars
// compiler (it costs ~130 ms on the first render). `--check` exits 1 when the file is stale.
import { readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';

const require = createRequire(import.meta.url);
const Handlebars = require('handlebars');
const dir = new URL('../templates/', import.meta.url);
const target = new URL('../src/templates.generated.ts', import.meta.url);

function generated() {
  const names = readdirSync(dir).filter((f) => f.endsWith('.hbs')).sort();
  const entries = names.map((f) => {
    const source = readFileSync(new URL(f, dir), 'utf8');
    return `  ${JSON.stringify(f.replace(/\.hbs$/, ''))}: ${Handlebars.precompile(source, { noEscape: true, knownHelpers: { str: true, sq: true, comment: true, envRef: true, concat: true }, knownHelpersOnly: true })},`;
  });
  return [
    '// Generated from packages/jenkins/templates/*.hbs by scripts/generate-templates.mjs (handlebars',
    `// ${Handlebars.VERSION} precompile). Do not edit: change the template and run \`npm run generate\`.`,
    '// @ts-nocheck',
    "import type { TemplateSpecification } from 'handlebars';",
    '',
    '/** Precompiled Handlebars templates by name. */',
    'export const templateSpecs: Record<string, TemplateSpecification> = {',
    ...entries,
    '};',
    '',
  ].join('\n');
}

const text = generated();
if (process.argv.includes('--check')) {
  const current = readFileSync(target, 'utf8');
  if (current !== text) {
    console.error('packages/jenkins/src/templates.generated.ts is stale: run `npm run generate -w @polyci/jenkins`');
    process.exit(1);
  }
} else {
  writeFileSync(target, text);
}
