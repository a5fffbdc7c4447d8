/**
 * A compose service, as polyci writes it and as the importer reads it.
 * https://docs.docker.com/reference/compose-file/services/
 */
import { z } from 'zod';

/** `environment`: a map, or a list of `NAME=value` / `NAME` (pass-through) entries. */
export const EnvironmentSchema = z.union([
  z.record(z.string(), z.union([z.string(), z.number(), z.boolean(), z.null()])),
  z.array(z.string()),
]);

/** `depends_on`: a list of names (service_started), or a map of name to condition. */
export const DependsOnSchema = z.union([
  z.array(z.string()),
  z.record(
    z.string(),
    z
      .object({
        condition: z.enum(['service_started', 'service_healthy', 'service_completed_successfully']).optional(),
        required: z.boolean().optional(),
        restart: z.boolean().optional(),
      })
      .passthrough(),
  ),
]);

/** `volumes`: short syntax `source:target[:mode]` or the long form. https://docs.docker.com/reference/compose-file/services/#volumes */
export const ServiceVolumeSchema = z.union([
  z.string(),
  z
    .object({
      type: z.string().optional(),
      source: z.string().optional(),
      target: z.string(),
      read_only: z.boolean().optional(),
    })
    .passthrough(),
]);

/** `healthcheck`. https://docs.docker.com/reference/compose-file/services/#healthcheck */
export const HealthcheckSchema = z
  .object({
    test: z.union([z.string(), z.array(z.string())]).optional(),
    interval: z.string().optional(),
    timeout: z.string().optional(),
    retries: z.number().optional(),
    start_period: z.string().optional(),
    disable: z.boolean().optional(),
  })
  .passthrough();

/** `networks` of a service: a list of names, or a map of name to aliases. */
export const ServiceNetworksSchema = z.union([
  z.array(z.string()),
  z.record(z.string(), z.union([z.null(), z.object({ aliases: z.array(z.string()).optional() }).passthrough()])),
]);

/** `command` / `entrypoint`: shell form (a string) or exec form (a list). */
export const CommandSchema = z.union([z.string(), z.array(z.string()), z.null()]);

export interface ComposeHealthcheck {
  test: string[];
  interval: string;
  timeout: string;
  retries: number;
}

export type ComposeDependsOn = Record<string, { condition: 'service_started' | 'service_healthy' | 'service_completed_successfully' }>;

/** A service as polyci emits it (key order is the order in the file). */
export interface ComposeService {
  image: string;
  profiles?: string[];
  labels?: Record<string, string>;
  privileged?: boolean;
  security_opt?: string[];
  entrypoint?: string[];
  command?: string[];
  working_dir?: string;
  environment?: Record<string, string | null>;
  volumes?: string[];
  expose?: string[];
  healthcheck?: ComposeHealthcheck;
  depends_on?: ComposeDependsOn;
  networks?: Record<string, { aliases?: string[] }>;
  cpus?: number;
  mem_limit?: string;
  [key: string]: unknown;
}

/** `environment` in either form as entries; null is "pass the developer's variable through". */
export function environmentOf(raw: unknown): [string, string | null][] | undefined {
  if (raw === undefined || raw === null) return [];
  const parsed = EnvironmentSchema.safeParse(raw);
  if (!parsed.success) return undefined;
  if (Array.isArray(parsed.data)) {
    return parsed.data.map((entry): [string, string | null] => {
      const eq = entry.indexOf('=');
      return eq < 0 ? [entry, null] : [entry.slice(0, eq), entry.slice(eq + 1)];
    });
  }
  return Object.entries(parsed.data).map(([k, v]): [string, string | null] => [k, v === null ? null : String(v)]);
}

export type DependsOnCondition = 'service_started' | 'service_healthy' | 'service_completed_successfully';

/** `depends_on` in either form as name to condition (the list form means service_started). */
export function dependsOnOf(raw: unknown): Record<string, DependsOnCondition> | undefined {
  if (raw === undefined || raw === null) return {};
  const parsed = DependsOnSchema.safeParse(raw);
  if (!parsed.success) return undefined;
  if (Array.isArray(parsed.data)) return Object.fromEntries(parsed.data.map((n) => [n, 'service_started' as const]));
  return Object.fromEntries(Object.entries(parsed.data).map(([n, v]) => [n, v.condition ?? 'service_started']));
}

export interface VolumeMount {
  type: 'bind' | 'volume' | 'tmpfs' | 'other';
  source?: string;
  target: string;
  readOnly: boolean;
}

/** One entry of a service's `volumes`, short (`src:dst[:mode]`) or long syntax. */
export function volumeMountOf(raw: unknown): VolumeMount | undefined {
  const parsed = ServiceVolumeSchema.safeParse(raw);
  if (!parsed.success) return undefined;
  const v = parsed.data;
  const kind = (source: string | undefined): VolumeMount['type'] => (source === undefined ? 'volume' : /^[./~]/.test(source) || source.startsWith('$') ? 'bind' : 'volume');
  if (typeof v === 'string') {
    const parts = v.split(':');
    if (parts.length === 1) return { type: 'volume', target: parts[0], readOnly: false };
    if (parts.length > 3) return undefined;
    const [source, target, mode] = parts;
    return { type: kind(source), source, target, readOnly: (mode ?? '').split(',').includes('ro') };
  }
  const type = v.type === 'bind' || v.type === 'volume' || v.type === 'tmpfs' ? v.type : v.type === undefined ? kind(v.source) : 'other';
  return { type, ...(v.source !== undefined ? { source: v.source } : {}), target: v.target, readOnly: v.read_only === true };
}

/** `networks` of a service as name to aliases. */
export function serviceNetworksOf(raw: unknown): Record<string, string[]> | undefined {
  if (raw === undefined || raw === null) return {};
  const parsed = ServiceNetworksSchema.safeParse(raw);
  if (!parsed.success) return undefined;
  if (Array.isArray(parsed.data)) return Object.fromEntries(parsed.data.map((n) => [n, []]));
  return Object.fromEntries(Object.entries(parsed.data).map(([n, v]) => [n, v?.aliases ?? []]));
}

/**
 * `command` / `entrypoint` as an argument vector: the list form as is; the string
 * form split as compose does (shell-like quotes, no expansion, no operators).
 */
export function argvOf(raw: unknown): string[] | undefined {
  const parsed = CommandSchema.safeParse(raw);
  if (!parsed.success) return undefined;
  if (parsed.data === null) return [];
  if (Array.isArray(parsed.data)) return parsed.data;
  const s = parsed.data;
  const out: string[] = [];
  let word: string | undefined;
  for (let i = 0; i < s.length; i++) {
    const c = s[i];
    if (/\s/.test(c)) {
      if (word !== undefined) out.push(word);
      word = undefined;
    } else if (c === "'") {
      const end = s.indexOf("'", i + 1);
      if (end < 0) return undefined;
      word = (word ?? '') + s.slice(i + 1, end);
      i = end;
    } else if (c === '"') {
      let j = i + 1;
      let text = '';
      for (; j < s.length && s[j] !== '"'; j++) {
        if (s[j] === '\\' && (s[j + 1] === '"' || s[j + 1] === '\\')) text += s[++j];
        else text += s[j];
      }
      if (j >= s.length) return undefined;
      word = (word ?? '') + text;
      i = j;
    } else if (c === '\\' && i + 1 < s.length) {
      word = (word ?? '') + s[++i];
    } else word = (word ?? '') + c;
  }
  if (word !== undefined) out.push(word);
  return out;
}
