/**
 * Credentials and secrets: `X = credentials('id')`, `withCredentials([...])` bindings,
 * and literal values that look like secrets (which become secret references, with a
 * warning that never repeats the value).
 * https://www.jenkins.io/doc/book/pipeline/jenkinsfile/#handling-credentials
 */
import type { ImportContext } from './context';
import type { JobDraft } from './draft';
import { callName, listItems, positional, stringValue } from './evaluate';
import type { CallNode, Expr } from './syntax';

const envName = /^[A-Za-z_][A-Za-z0-9_]*$/;
const secretName = /(PASSWORD|PASSWD|PASS$|PWD$|TOKEN|SECRET|API_?KEY|ACCESS_?KEY|PRIVATE_?KEY|CREDENTIAL|AUTH)/i;
const secretValue = [/^gh[pousr]_[A-Za-z0-9]{30,}$/, /^glpat-[A-Za-z0-9_-]{20,}$/, /^AKIA[0-9A-Z]{16}$/, /^xox[abpr]-[A-Za-z0-9-]{10,}$/, /^eyJ[A-Za-z0-9_-]{10,}\.[A-Za-z0-9_-]{10,}\./, /^-----BEGIN [A-Z ]*PRIVATE KEY-----/];

/** Does a literal variable look like a credential? A reference to another variable does not. */
export function looksLikeSecret(name: string, value: string): boolean {
  if (value === '' || /^\$\{?[A-Za-z_][A-Za-z0-9_]*\}?$/.test(value)) return false;
  return secretName.test(name) || secretValue.some((r) => r.test(value));
}

/** Record that a variable holds a secret, and where Jenkins keeps it when the id differs. */
export function addSecret(job: Pick<JobDraft, 'secrets' | 'vendor'>, variable: string, credentialsId: string | undefined, ctx: ImportContext, at: CallNode | Expr): void {
  if (!envName.test(variable)) {
    ctx.report('PCI041', 'warning', `credential variable "${variable}" is not an environment variable name`, at);
    return;
  }
  if (!job.secrets.includes(variable)) job.secrets.push(variable);
  if (credentialsId !== undefined && credentialsId !== variable) {
    const map = ((job.vendor.credentials as Record<string, string> | undefined) ??= {});
    map[variable] = credentialsId;
    ctx.report('PCI042', 'info', `secret ${variable} is the Jenkins credential "${credentialsId}": the id is kept under vendor.jenkins.credentials`, at, 'name the secret the same in every CI system');
  }
}

/** `credentials('id')` in an environment block: the id, or undefined. */
export function credentialsCall(expr: Expr, ctx: ImportContext): string | undefined {
  if (expr.kind !== 'call' || callName(expr) !== 'credentials') return undefined;
  return stringValue(positional(expr)[0]?.value, ctx) ?? '';
}

/** The variables of `withCredentials([...])` bindings, with their credential ids. */
export function credentialBindings(call: CallNode, ctx: ImportContext): { variable: string; id?: string; at: CallNode | Expr }[] {
  const out: { variable: string; id?: string; at: CallNode | Expr }[] = [];
  for (const binding of listItems(positional(call)[0]?.value)) {
    const args = binding.kind === 'call' ? binding.args : binding.kind === 'map' ? binding.entries.map((e) => ({ name: typeof e.key === 'string' ? e.key : undefined, value: e.value })) : [];
    const id = stringValue(args.find((a) => a.name === 'credentialsId')?.value, ctx);
    let found = false;
    for (const a of args) {
      if (!a.name || !(a.name === 'variable' || /Variable$/.test(a.name))) continue;
      const variable = stringValue(a.value, ctx);
      if (variable) {
        out.push({ variable, id, at: binding });
        found = true;
      }
    }
    if (!found) ctx.report('PCI041', 'warning', `credential binding without a variable: ${ctx.source(binding).slice(0, 80)}`, binding);
  }
  return out;
}

