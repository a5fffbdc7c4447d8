/**
 * `variables:` back into env: GitLab's `$$` escape undone, the long form
 * `{value, description, expand}` read, polyci's built-in mappings dropped, and
 * literal credentials turned into secret references (PCI044, never repeating the value).
 * https://docs.gitlab.com/ee/ci/yaml/#variables
 */
import { diagnostic, type Diagnostic } from '@polyci/core';
import { builtinSources, unescapeVariableValue } from '../variables';
import type { Position } from './parse';
import { isMapping } from './resolve';

const credentialName = /(PASSWORD|PASSWD|PASSPHRASE|TOKEN|SECRET|API_?KEY|PRIVATE_?KEY|ACCESS_?KEY|CREDENTIALS?|_PASS$|^PASS$)/i;
const pureReference = /^\$(?:\{[A-Za-z_][A-Za-z0-9_]*\}|[A-Za-z_][A-Za-z0-9_]*)$/;
const envName = /^[A-Za-z_][A-Za-z0-9_]*$/;

export interface ImportedVariables {
  env: Record<string, string>;
  secrets: string[];
  /** Names GitLab accepts but the IR cannot (not shell names), kept raw for vendor.gitlab. */
  rawKept: Record<string, unknown>;
  diagnostics: Diagnostic[];
}

function scalar(v: unknown): string | undefined {
  if (typeof v === 'string') return v;
  if (typeof v === 'number' || typeof v === 'boolean') return String(v);
  if (v === null) return '';
  return undefined;
}

export function importVariables(
  variables: unknown,
  where: (name: string) => Position | undefined,
  options: { skip?: readonly string[]; irPath: string } = { irPath: 'env' },
): ImportedVariables {
  const out: ImportedVariables = { env: {}, secrets: [], rawKept: {}, diagnostics: [] };
  if (!isMapping(variables)) return out;
  for (const [name, raw] of Object.entries(variables)) {
    if (options.skip?.includes(name)) continue;
    let value = scalar(raw);
    let expand = true;
    if (value === undefined && isMapping(raw)) {
      value = scalar(raw.value);
      expand = raw.expand !== false;
      if (Object.keys(raw).some((k) => !['value', 'description', 'expand', 'options'].includes(k))) value = undefined;
    }
    const at = where(name);
    if (value === undefined || !envName.test(name)) {
      out.rawKept[name] = raw;
      out.diagnostics.push(diagnostic('PCI042', 'info', `variable "${name}" has no IR form and is kept under vendor.gitlab`, { ...(at ?? {}), path: `${options.irPath}.${name}` }));
      continue;
    }
    // Raw values (expand: false) hold no references: their `$` were never GitLab's.
    const text = expand ? unescapeVariableValue(value) : value;
    if ((builtinSources as Record<string, string>)[name] === value) continue;
    if (credentialName.test(name) && text !== '' && !pureReference.test(text)) {
      out.secrets.push(name);
      out.diagnostics.push(
        diagnostic('PCI044', 'warning', `variable "${name}" holds a literal credential in the file; it is now a secret reference`, {
          ...(at ?? {}),
          path: `${options.irPath}.${name}`,
          hint: `remove the value from the repository, rotate it, and define ${name} as a masked, protected CI/CD variable`,
        }),
      );
      continue;
    }
    if (!expand && /\$/.test(value)) {
      out.diagnostics.push(diagnostic('PCI042', 'info', `variable "${name}" is not expanded by GitLab (expand: false); its $ are kept as written`, { ...(at ?? {}), path: `${options.irPath}.${name}` }));
    }
    out.env[name] = text;
  }
  return out;
}

/**
 * GitLab's predefined build number, commit and branch spelled as polyci's built-ins
 * ($CI_COMMIT_SHA -> $POLYCI_COMMIT_SHA, same spelling form), in every string of a value,
 * so that a migrated pipeline means the same on other CI systems.
 */
export function withBuiltins(value: unknown, replaced: (from: string, to: string) => void): unknown {
  if (typeof value === 'string') {
    let out = value;
    for (const [builtin, source] of Object.entries(builtinSources)) {
      const name = source.slice(1);
      out = out.replace(new RegExp(`\\$(?:\\{${name}\\}|${name}(?![A-Za-z0-9_]))`, 'g'), (m) => {
        replaced(`$${name}`, `$${builtin}`);
        return m.startsWith('${') ? `\${${builtin}}` : `$${builtin}`;
      });
    }
    return out;
  }
  if (Array.isArray(value)) return value.map((v) => withBuiltins(v, replaced));
  if (isMapping(value)) return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, withBuiltins(v, replaced)]));
  return value;
}
