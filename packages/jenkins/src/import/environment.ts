/**
 * The `environment {}` directive: literal values become env, `credentials('id')`
 * secrets, polyci's built-in mappings (POLYCI_BUILD_NUMBER = "${env.BUILD_NUMBER}")
 * are scaffolding, and literal passwords/tokens become secret references (PCI044).
 * https://www.jenkins.io/doc/book/pipeline/syntax/#environment
 */
import type { ImportContext } from './context';
import { addSecret, credentialsCall, looksLikeSecret } from './credentials';
import { dottedName, stringValue } from './evaluate';
import type { CallNode } from './syntax';

export interface EnvironmentTarget {
  env: Record<string, string>;
  secrets: string[];
  vendor: Record<string, unknown>;
}

const envName = /^[A-Za-z_][A-Za-z0-9_]*$/;

export function readEnvironment(call: CallNode, target: EnvironmentTarget, ctx: ImportContext): void {
  const seen = new Set<string>();
  for (const s of call.closure?.body ?? []) {
    if (s.kind !== 'assign' || s.op !== '=') {
      ctx.report('PCI041', 'warning', `unsupported statement in environment: ${ctx.source(s).split('\n')[0].slice(0, 80)}`, s, 'write NAME = value');
      continue;
    }
    const name = dottedName(s.target);
    if (!name || !envName.test(name)) {
      ctx.report('PCI041', 'warning', `environment variable name ${ctx.source(s.target)} is not a shell variable name`, s);
      continue;
    }
    if (seen.has(name)) ctx.report('PCI043', 'warning', `${name} is set twice in this environment block: Jenkins keeps the last value`, s);
    seen.add(name);
    const credential = credentialsCall(s.value, ctx);
    if (credential !== undefined) {
      addSecret(target, name, credential || undefined, ctx, s.value);
      continue;
    }
    const value = stringValue(s.value, ctx);
    if (value === undefined) {
      const kept = ((target.vendor.environment as Record<string, string> | undefined) ??= {});
      kept[name] = ctx.source(s.value);
      ctx.report('PCI041', 'warning', `environment variable ${name} is computed by Groovy: kept under vendor.jenkins.environment`, s, 'compute it in a shell step instead');
      continue;
    }
    // polyci's own mapping of its built-ins to Jenkins' variables
    if (name.startsWith('POLYCI_') && value === `\${${name}}`) continue;
    if (s.value.kind !== 'gstring' && looksLikeSecret(name, value)) {
      ctx.report('PCI044', 'warning', `environment variable ${name} holds a literal credential: it becomes the secret ${name}, and its value is not imported`, s, `store it as a Jenkins credential and write ${name} = credentials('${name}')`);
      addSecret(target, name, undefined, ctx, s.value);
      continue;
    }
    target.env[name] = value;
  }
}
