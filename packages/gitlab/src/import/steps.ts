/**
 * Script items back into steps: polyci's own scaffolding (the readiness wait, the
 * checkout-only placeholder) is dropped, a leading `# "name"` comment is the step's
 * name, a subshell of exports is the step's env, and builder commands become
 * `buildImage` steps.
 */
import { buildImageCommands, isReadinessWait, type ConcreteStrategy, type StepInput } from '@polyci/core';
import { checkoutOnlyScript, withStepEnv } from '../steps';
import { commandTokens, recoverBuild } from './build-commands';

/** Script values as GitLab flattens them (nested arrays from !reference, one level deep or more). */
export function flattenScript(value: unknown): string[] {
  if (value === undefined || value === null) return [];
  if (!Array.isArray(value)) return [String(value)];
  return value.flatMap((v) => (Array.isArray(v) ? flattenScript(v) : v === null || v === undefined ? [] : [typeof v === 'string' ? v : JSON.stringify(v)]));
}

function splitName(item: string): { name?: string; body: string } {
  const nl = item.indexOf('\n');
  const first = nl < 0 ? item : item.slice(0, nl);
  const m = /^# (".*")$/s.exec(first);
  if (!m || nl < 0) return { body: item };
  try {
    const name = JSON.parse(m[1]);
    return typeof name === 'string' && name.length > 0 ? { name, body: item.slice(nl + 1) } : { body: item };
  } catch {
    return { body: item };
  }
}

/** The end of a shell word that starts at `from`: the first newline outside quotes. */
function wordEnd(text: string, from: number): number {
  let quote: string | undefined;
  for (let i = from; i < text.length; i++) {
    const c = text[i];
    if (quote !== "'" && c === '\\') i++;
    else if (quote === undefined && (c === "'" || c === '"')) quote = c;
    else if (quote === c) quote = undefined;
    else if (c === '\n' && quote === undefined) return i;
  }
  return -1;
}

/**
 * A subshell of exports around a script, as `withStepEnv` writes it. The exports are read
 * one by one; a split counts only when `withStepEnv` gives back the very same text.
 */
function splitEnv(body: string): { env?: Record<string, string>; script: string } {
  if (!body.startsWith('(\n') || !body.endsWith('\n)')) return { script: body };
  let found: { env: Record<string, string>; script: string } | undefined;
  const env: Record<string, string> = {};
  let pos = 2;
  for (;;) {
    const m = /^export ([A-Za-z_][A-Za-z0-9_]*)=/.exec(body.slice(pos, pos + 80));
    if (!m) break;
    const wordStart = pos + m[0].length;
    const end = wordEnd(body, wordStart);
    if (end < 0) break;
    const word = body.slice(wordStart, end);
    const tokens = word === "''" ? [{ text: '' }] : commandTokens(word, true);
    if (!tokens || tokens.length !== 1) break;
    env[m[1]] = tokens[0].text;
    pos = end + 1;
    const script = body.slice(pos, -2);
    if (script !== '' && withStepEnv(script, env) === body) found = { env: { ...env }, script };
  }
  return found ?? { script: body };
}

/** Is this script `docker push` (or `buildah push`) of each tag, in order, and nothing else? */
function pushesExactly(script: string, tags: readonly string[]): boolean {
  const lines = script.split('\n').filter((l) => l.trim() !== '');
  if (lines.length !== tags.length) return false;
  return lines.every((line, i) => {
    const w = commandTokens(line);
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
    if (isReadinessWait(item) || item === checkoutOnlyScript) continue;
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
