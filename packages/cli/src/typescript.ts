/**
 * A ci.config.ts from an IR, written with ts-morph so that the result is
 * well-formed, formatted TypeScript. Only `polyci migrate --ts` loads this file.
 */
import { Project, QuoteKind, Writers, type WriterFunction } from 'ts-morph';
import type { Pipeline } from '@polyci/core';

const identifier = /^[A-Za-z_$][A-Za-z0-9_$]*$/;
/** Keys whose schema default is `{}`: leaving them out means the same. (Not `pullRequest: {}`, which means "on".) */
const emptyByDefault = new Set(['env', 'buildArgs', 'labels', 'secrets', 'policy']);

/** A single-quoted TypeScript string literal that reads back as exactly `s`. */
function tsString(s: string): string {
  const escaped = s.replace(/[\\'\n\r\t\u0000-\u001f\u2028\u2029]/g, (c) => {
    switch (c) {
      case '\\': return '\\\\';
      case "'": return "\\'";
      case '\n': return '\\n';
      case '\r': return '\\r';
      case '\t': return '\\t';
      default: return `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`;
    }
  });
  return `'${escaped}'`;
}

const isObject = (v: unknown): v is Record<string, unknown> => v !== null && typeof v === 'object' && !Array.isArray(v);

/** A value as TypeScript source; empty arrays and default-empty objects are left out (the schema puts them back). */
function valueWriter(value: unknown): string | WriterFunction {
  if (value === null) return 'null';
  if (typeof value === 'string') return tsString(value);
  if (typeof value === 'number' || typeof value === 'boolean') return String(value);
  if (Array.isArray(value)) {
    const items = value.map(valueWriter);
    if (!value.some((v) => isObject(v) || Array.isArray(v))) return `[${items.join(', ')}]`;
    return (writer) => {
      writer.write('[').newLine();
      writer.indent(() => {
        items.forEach((w, i) => {
          if (typeof w === 'string') writer.write(w);
          else w(writer);
          writer.write(i < items.length - 1 ? ',' : '').newLine();
        });
      });
      writer.write(']');
    };
  }
  const props: Record<string, string | WriterFunction> = {};
  for (const [k, v] of Object.entries(value as Record<string, unknown>)) {
    if (v === undefined) continue;
    if (Array.isArray(v) && v.length === 0) continue;
    if (isObject(v) && Object.keys(v).length === 0 && emptyByDefault.has(k)) continue;
    props[identifier.test(k) ? k : tsString(k)] = valueWriter(v);
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
  return `// Migrated by polyci from ${source.replace(/[\r\n\u0085\u2028\u2029]/g, ' ')}.\n// Review it, then run \`polyci compile\`.\n${file.getFullText()}`;
}
