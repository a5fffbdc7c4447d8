/**
 * Buildkite pipeline steps, as the importer reads them: the shorthands of each key
 * normalised in one place (go-convert's model packages do the same).
 * https://buildkite.com/docs/pipelines/configure/step-types
 */
import { z } from 'zod';

/** `command` / `commands`: a string or a list of strings. https://buildkite.com/docs/pipelines/configure/step-types/command-step */
export const CommandsSchema = z.union([z.string(), z.array(z.string())]).transform((v) => (typeof v === 'string' ? [v] : v));

/** `depends_on`: a key, a list of keys, or a list of `{step, allow_failure}`. https://buildkite.com/docs/pipelines/configure/dependencies */
export const DependsOnSchema = z
  .union([
    z.null(),
    z.string(),
    z.array(z.union([z.string(), z.object({ step: z.string(), allow_failure: z.boolean().optional() }).passthrough()])),
  ])
  .transform((v) => {
    if (v === null) return [];
    const list = typeof v === 'string' ? [v] : v;
    return list.map((d) => (typeof d === 'string' ? { step: d, allowFailure: false } : { step: d.step, allowFailure: d.allow_failure === true }));
  });

/** `agents`: a map of tags, or a list of `key=value`. https://buildkite.com/docs/pipelines/configure/defining-steps#targeting-specific-agents */
export const AgentsSchema = z
  .union([z.record(z.string(), z.union([z.string(), z.number(), z.boolean()])), z.array(z.string())])
  .transform((v): Record<string, string> => {
    if (!Array.isArray(v)) return Object.fromEntries(Object.entries(v).map(([k, x]) => [k, String(x)]));
    const out: Record<string, string> = {};
    for (const tag of v) {
      const eq = tag.indexOf('=');
      if (eq > 0) out[tag.slice(0, eq)] = tag.slice(eq + 1);
      else out[tag] = 'true';
    }
    return out;
  });

/** `branches`: patterns separated by spaces, or a list. https://buildkite.com/docs/pipelines/configure/workflows/branch-configuration */
export const BranchesSchema = z.union([z.string(), z.array(z.string())]).transform((v) => (typeof v === 'string' ? v.split(/\s+/).filter(Boolean) : v));

/** `artifact_paths`: a string of `;`-separated globs, or a list. */
export const ArtifactPathsSchema = z.union([z.string(), z.array(z.string())]).transform((v) => (typeof v === 'string' ? v.split(';').map((s) => s.trim()).filter(Boolean) : v));

/** `plugins`: a list of `{name: config}` (or bare names), or one map. https://buildkite.com/docs/pipelines/integrations/plugins/using */
export const PluginsSchema = z
  .union([z.array(z.union([z.string(), z.record(z.string(), z.unknown())])), z.record(z.string(), z.unknown())])
  .transform((v) => {
    const list: { name: string; config: unknown; index: number }[] = [];
    if (Array.isArray(v)) {
      v.forEach((p, index) => {
        if (typeof p === 'string') list.push({ name: p, config: null, index });
        else for (const [name, config] of Object.entries(p)) list.push({ name, config, index });
      });
    } else Object.entries(v).forEach(([name, config], index) => list.push({ name, config, index }));
    return list;
  });

/** `retry.automatic`: true, a rule, or a list of rules. https://buildkite.com/docs/pipelines/configure/step-types/command-step#retry-attributes */
export const AutomaticRetrySchema = z.union([
  z.boolean(),
  z.object({ limit: z.number().int().optional() }).passthrough(),
  z.array(z.object({}).passthrough()),
]);

/** What kind of step a list entry is. */
export type StepKind = 'command' | 'wait' | 'block' | 'input' | 'trigger' | 'group' | 'unknown';

/** The kind of a step entry: strings `wait`/`block`/`input` are steps too. */
export function stepKind(step: unknown): StepKind {
  if (typeof step === 'string') return step === 'wait' || step === 'waiter' ? 'wait' : step === 'block' ? 'block' : step === 'input' ? 'input' : 'unknown';
  if (!step || typeof step !== 'object' || Array.isArray(step)) return 'unknown';
  const s = step as Record<string, unknown>;
  if ('group' in s && 'steps' in s) return 'group';
  if ('wait' in s || 'waiter' in s || s.type === 'wait') return 'wait';
  if ('block' in s || s.type === 'block') return 'block';
  if ('input' in s || s.type === 'input') return 'input';
  if ('trigger' in s || s.type === 'trigger') return 'trigger';
  if ('command' in s || 'commands' in s || 'plugins' in s || s.type === 'command' || s.type === 'script') return 'command';
  return 'unknown';
}

/** Keys of a command step the importer turns into IR; every other key is kept in vendor.buildkite. */
export const commandStepIrKeys = new Set([
  'key', 'identifier', 'id', 'label', 'name', 'command', 'commands', 'env', 'agents', 'branches', 'if', 'retry', 'timeout_in_minutes',
  'depends_on', 'artifact_paths', 'image', 'plugins', 'secrets', 'type',
]);
