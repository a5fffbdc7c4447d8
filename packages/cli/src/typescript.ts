/**
 * A ci.config.ts from an IR, written with ts-morph so that the result is
 * well-formed, formatted TypeScript. Only `polyci migrate --ts` loads this file.
 */
import { Project, QuoteKind, Writers, type WriterFunction } from 'ts-morph';
import type { Pipeline } from '@polyci/core';

const identifier = /^[A-Za-z_$][A-Za-z0-9_$]*$/;
/** Keys whose schema default is `{}`: leaving them out means the same. (Not `pullRequest: {}`, which means "on".) */
const emptyByDefault = new Set(['env', 'buildArgs', 'labels', 'secrets', 'policy']);

/** A value as TypeScript source; empty arrays and objects are left out by the caller (they are the defaults). */
function valueWriter(value: unknown): string | WriterFunction {
  if (value === null) return 'null';
  if (typeof value === 'string') return JSON.stringify(value).replace(/\u2028/g, '\\u2028').replace(/\u2029/g, '\\u2029');
  if (typeof value === 'number' || typeof value === 'boolean') return String(value);
  if (Array.isArray(value)) {
    return (writer) => {
      writer.write('[');
      value.forEach((v, i) => {
        if (i > 0) writer.write(', ');
        const w = valueWriter(v);
        if (typeof w === 'string') writer.write(w);
        else w(writer);
      });
      writer.write(']');
    };
  }
  const obj = value as Record<string, unknown>;
  const props: Record<string, string | WriterFunction> = {};
  for (const [k, v] of Object.entries(obj)) {
    if (v === undefined) continue;
    if (Array.isArray(v) && v.length === 0) continue;
    if (v && typeof v === 'object' && !Array.isArray(v) && Object.keys(v).length === 0 && emptyByDefault.has(k)) continue;
    props[identifier.test(k) ? k : JSON.stringify(k)] = valueWriter(v);
  }
  return Writers.object(props);
}

/** TypeScript source of a ci.config.ts that defines this pipeline. */
export function pipelineToTypeScript(pipeline: Pipeline, source: string): string {
  const project = new Project({ useInMemoryFileSystem: true, manipulationSettings: { quoteKind: QuoteKind.Single } });
  const file = project.createSourceFile('ci.config.ts', '', { overwrite: true });
  file.addImportDeclaration({ moduleSpecifier: '@polyci/core', namedImports: ['defineConfig'] });
  file.addExportAssignment({
    isExportEquals: false,
    expression: (writer) => {
      writer.write('defineConfig(');
      (valueWriter(pipeline) as WriterFunction)(writer);
      writer.write(')');
    },
  });
  file.formatText({ indentSize: 2, convertTabsToSpaces: true });
  return `// Migrated by polyci from ${source.replace(/[\r\n]/g, ' ')}.\n// Review it, then run \`polyci compile\`.\n${file.getFullText()}`;
}
