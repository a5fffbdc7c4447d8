/**
 * A service's environment back to IR env and secrets: pass-through entries
 * (`NAME` with no value, or `NAME: ${NAME}`) are secrets by name; literal
 * credentials become secret references (PCI044, never repeating the value);
 * compose's `$$` is a literal `$`.
 */
import { diagnostic, type Diagnostic } from '@polyci/core';
import { unliteral } from '../interpolation';

/** Names that hold credentials. */
const credentialName = /(PASS(WORD|WD)?|TOKEN|SECRET|API_?KEY|PRIVATE_?KEY|ACCESS_?KEY|CREDENTIALS?)($|_)/i;

export function looksLikeCredential(name: string): boolean {
  return credentialName.test(name);
}

const envName = /^[A-Za-z_][A-Za-z0-9_]*$/;

export interface ImportedEnv {
  env: Record<string, string>;
  secrets: string[];
  diagnostics: Diagnostic[];
}

/**
 * Split entries into env and secrets. `where(name)` places a diagnostic on the entry.
 * `role` says whose environment it is, for messages.
 */
export function importEnvironment(
  entries: [string, string | null][],
  where: (name: string) => { file: string; line?: number; column?: number },
  role: string,
): ImportedEnv {
  const env: Record<string, string> = {};
  const secrets: string[] = [];
  const diagnostics: Diagnostic[] = [];
  for (const [name, value] of entries) {
    if (!envName.test(name)) {
      diagnostics.push(diagnostic('PCI041', 'warning', `${role}: "${name}" is not a variable name a shell can read; left out`, { ...where(name), hint: 'rename it to letters, digits and _' }));
      continue;
    }
    if (value === null || value === `\${${name}}` || value === `$${name}`) {
      secrets.push(name);
      continue;
    }
    if (looksLikeCredential(name) && value !== '' && !/^\$\{?[A-Za-z_][A-Za-z0-9_]*\}?$/.test(value)) {
      secrets.push(name);
      diagnostics.push(
        diagnostic('PCI044', 'warning', `${role}: ${name} holds a literal credential; imported as the secret ${name} (the value is not copied)`, {
          ...where(name),
          hint: `store it in the CI system's secrets as ${name}, and rotate it: it was committed in this file`,
        }),
      );
      continue;
    }
    if (/\$\{?[A-Za-z_]/.test(value.split('$$').join(''))) {
      diagnostics.push(
        diagnostic('PCI041', 'info', `${role}: ${name} is interpolated by compose from the developer's environment; kept as a shell reference`, {
          ...where(name),
          hint: 'the job sees the reference, not the developer\'s value; make it a secret or a literal if that matters',
        }),
      );
    }
    env[name] = unliteral(value);
  }
  return { env, secrets, diagnostics };
}
