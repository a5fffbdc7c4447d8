/**
 * Script items back into steps: polyci's own scaffolding (the readiness wait, the
 * checkout-only placeholder) is dropped, a leading `# "name"` comment is the step's
 * name, a subshell of exports is the step's env, and builder commands become
 * `buildImage` steps.
 */
import { buildImageCommands, type ConcreteStrategy, type StepInput } from '@polyci/core';
import { checkoutOnlyScript, readinessWait, withStepEnv } from '../steps';
import { recoverBuild, shellWords } from './build-commands';

/** Script values as GitLab flattens them (nested arrays from !reference, one level deep or more). */
export function flattenScript(value: unknown): string[] {
  if (value === undefined || value === null) return [];
  if (!Array.isArray(value)) return [String(value)];
  return value.flatMap((v) => (Array.isArray(v) ? flattenScript(v) : v === null || v === undefined ? [] : [typeof v === 'string' ? v : JSON.stringify(v)]));
}

function splitName(item: string): { name?: string; body: string } {
  const nl = item.indexOf('\n');
  const first = nl < 0 ? item : item.slice(0, nl);
  const m = /^# (".*")$/.exec(first);
  if (!m || nl < 0) return { body: item };
  try {
    const name = JSON.parse(m[1]);
    return typeof name === 'string' && name.length > 0 ? { name, body: item.slice(nl + 1) } : { body: item };
  } catch {
    return { body: item };
  }
}

function splitEnv(body: string): { env?: Record<string, string>; script: string } {
  const m = /^\(\n((?:export [A-Za-z_][A-Za-z0-9_]*=.*\n)+)([\s\S]+)\n\)$/.exec(body);
  if (!m) return { script: body };
  const env: Record<string, string> = {};
  for (const line of m[1].split('\n').filter((l) => l !== '')) {
    const eq = line.indexOf('=');
    const name = line.slice('export '.length, eq);
    const word = line.slice(eq + 1);
    const tokens = word === "''" ? [{ text: '' }] : shellWords(word);
    if (!tokens || tokens.length !== 1) return { script: body };
    env[name] = tokens[0].text;
  }
  // Only a wrapper polyci would write for exactly this env counts as one.
  return withStepEnv(m[2], env) === body ? { env, script: m[2] } : { script: body };
}

/** Is this script `docker push` (or `buildah push`) of each tag, in order, and nothing else? */
function pushesExactly(script: string, tags: readonly string[]): boolean {
  const lines = script.split('\n').filter((l) => l.trim() !== '');
  if (lines.length !== tags.length) return false;
  return lines.every((line, i) => {
    const w = shellWords(line);
    if (!w) return false;
    const words = w.map((t) => t.text);
    if (words[0] === 'buildah' && words[2] === '--storage-driver' && words[3] === 'vfs') words.splice(2, 2);
    return words.length === 3 && (words[0] === 'docker' || words[0] === 'buildah') && words[1] === 'push' && words[2] === tags[i];
  });
}

/**
 * Steps from script items. `strict` accepts a build only when polyci would write the
 * very same commands for it (its own output); otherwise any clean builder command maps.
 */
export function stepsFromScript(items: readonly string[], strategy: ConcreteStrategy | undefined, strict: boolean): StepInput[] {
  const steps: StepInput[] = [];
  for (const item of items) {
    if (item === readinessWait || item === checkoutOnlyScript) continue;
    const { name, body } = splitName(item);
    const named = name !== undefined ? { name } : {};
    if (strategy) {
      const build = recoverBuild(body, strategy);
      if (build && (!strict || buildImageCommands(build, strategy).join('\n') === body)) {
        steps.push({ ...named, buildImage: build });
        continue;
      }
    }
    const previous = steps[steps.length - 1];
    if (!strict && name === undefined && previous && 'buildImage' in previous && previous.buildImage && !previous.buildImage.push && pushesExactly(body, previous.buildImage.tags ?? [])) {
      // `docker push` of exactly the built tags, as its own script item: the build pushes
      previous.buildImage.push = true;
      continue;
    }
    const { env, script } = splitEnv(body);
    if (script === '') continue;
    steps.push({ ...named, run: script, ...(env ? { env } : {}) });
  }
  return steps;
}
