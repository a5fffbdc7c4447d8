/**
 * Handlebars rendering of the Jenkinsfile templates (templates/*.hbs, precompiled into
 * templates.generated.ts, so only the Handlebars runtime loads). The templates only
 * place values; quoting is done here.
 *
 * Handlebars indents a standalone partial by prefixing every line it outputs, which
 * would change the text of a multi-line '''...''' string. So a Groovy literal is
 * first written as a one-line placeholder and put back after rendering.
 */
import type HandlebarsApi from 'handlebars';
import HandlebarsRuntime from 'handlebars/runtime';
import { groovySingleQuoted, groovyString } from './groovy';
import { templateSpecs } from './templates.generated';

const Handlebars = HandlebarsRuntime as unknown as typeof HandlebarsApi;

interface RenderData {
  literals: string[];
}

// Private-use characters never appear in template text, and user strings never reach
// the rendered text except through `literals`.
const open = '\uE000';
const close = '\uE001';
const placeholder = new RegExp(`${open}(\\d+)${close}`, 'g');

let instance: { main: HandlebarsTemplateDelegate } | undefined;

function handlebars(): { main: HandlebarsTemplateDelegate } {
  if (instance) return instance;
  const hb = Handlebars.create();
  const literal = (text: string, data: RenderData) => {
    data.literals.push(text);
    return `${open}${data.literals.length - 1}${close}`;
  };
  hb.registerHelper('str', (value: unknown, options: Handlebars.HelperOptions) => {
    if (typeof value !== 'string') throw new TypeError(`str helper expects a string, got ${typeof value}`);
    return literal(groovyString(value), options.data.root.__data as RenderData);
  });
  // One line whatever the text: for the header comment.
  hb.registerHelper('sq', (value: unknown, options: Handlebars.HelperOptions) => {
    if (typeof value !== 'string') throw new TypeError(`sq helper expects a string, got ${typeof value}`);
    return literal(groovySingleQuoted(value), options.data.root.__data as RenderData);
  });
  // Polyci's own GStrings: the vendor variables that the built-in POLYCI_* ones map to.
  hb.registerHelper('envRef', (name: unknown) => {
    if (typeof name !== 'string' || !/^[A-Z_]+$/.test(name)) throw new TypeError(`envRef expects a Jenkins variable name, got ${String(name)}`);
    return `"\${env.${name}}"`;
  });
  // A `//` comment ends at a line break; Groovy also reads \uXXXX escapes inside comments.
  hb.registerHelper('comment', (text: unknown) => String(text).replace(/[\r\n\u2028\u2029]/g, ' ').replace(/\\/g, '/'));
  // A Groovy string expression: literal parts joined with the build's own id variable.
  hb.registerHelper('concat', (parts: unknown, options: Handlebars.HelperOptions) => {
    if (!Array.isArray(parts)) throw new TypeError('concat expects a list of parts');
    const data = options.data.root.__data as RenderData;
    return parts.map((p: { text?: string; id?: boolean }) => (p.id ? 'polyciId' : literal(groovyString(p.text ?? ''), data))).join(' + ');
  });
  for (const [name, spec] of Object.entries(templateSpecs)) {
    if (name !== 'Jenkinsfile') hb.registerPartial(name, hb.template(spec));
  }
  instance = { main: hb.template(templateSpecs.Jenkinsfile) };
  return instance;
}

/** Render the Jenkinsfile view (see emit.ts) to text. */
export function renderJenkinsfile(view: object): string {
  const data: RenderData = { literals: [] };
  const text = handlebars().main({ ...view, __data: data });
  return text.replace(placeholder, (_, i: string) => data.literals[Number(i)]);
}
