// Inline templates/*.hbs into src/templates.generated.ts, so that the package and the
// CLI bundle carry them without reading files at run time. A test checks it is current.
import { readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

export function generatedTemplatesSource(dir) {
  const names = readdirSync(dir).filter((f) => f.endsWith('.hbs')).sort();
  const entries = names.map((f) => `  ${JSON.stringify(f.replace(/\.hbs$/, ''))}: ${JSON.stringify(readFileSync(new URL(f, dir), 'utf8'))},`);
  return `// Generated from packages/jenkins/templates/*.hbs by scripts/generate-templates.mjs. Do not edit.\n/** Handlebars sources by name. */\nexport const templateSources: Record<string, string> = {\n${entries.join('\n')}\n};\n`;
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  const dir = new URL('../templates/', import.meta.url);
  writeFileSync(new URL('../src/templates.generated.ts', import.meta.url), generatedTemplatesSource(dir));
}
