/**
 * GitLab's reuse constructs, resolved as GitLab does before it reads jobs: local
 * `include` (deep-merged, the including file wins), `!reference` tags, `extends`
 * (multi-level, arrays, hashes deep-merged) and `default:` / the legacy global
 * keywords for what a job does not set itself.
 * https://docs.gitlab.com/ee/ci/yaml/includes.html
 * https://docs.gitlab.com/ee/ci/yaml/#extends
 * https://docs.gitlab.com/ee/ci/yaml/#default
 */
import { diagnostic, type Diagnostic, type InputFile } from '@polyci/core';
import { globalKeywords } from '../model/job';
import { parseGitlabFile, pathKey, Reference, type ParsedFile, type Position } from './parse';

export type Mapping = Record<string, unknown>;

export const isMapping = (v: unknown): v is Mapping => v !== null && typeof v === 'object' && !Array.isArray(v) && !(v instanceof Reference);

/** GitLab's merge for include and extends: hashes merge key by key, anything else is replaced. */
export function deepMerge(base: unknown, over: unknown): unknown {
  if (!isMapping(base) || !isMapping(over)) return over;
  const out: Mapping = { ...base };
  for (const [k, v] of Object.entries(over)) out[k] = k in out ? deepMerge(out[k], v) : v;
  return out;
}

const defaultKeys = ['after_script', 'artifacts', 'before_script', 'cache', 'hooks', 'id_tokens', 'image', 'interruptible', 'retry', 'services', 'tags', 'timeout'];
const legacyGlobals = ['image', 'services', 'cache', 'before_script', 'after_script'];
const maxDepth = 10;

export interface ResolvedJob {
  key: string;
  job: Mapping;
}

export interface Resolved {
  /** Top-level keywords after includes (workflow, variables, stages ...). */
  top: Mapping;
  jobs: ResolvedJob[];
  /** Hidden jobs (templates) and non-job top-level keys, by key. */
  templates: string[];
  position(path: readonly (string | number)[]): Position | undefined;
  /** Where a job's key was written: the job, the templates it extends (nearest first), `default:`, the global keyword. */
  fieldPosition(jobKey: string, path: readonly (string | number)[]): Position | undefined;
  mainFile: string;
  diagnostics: Diagnostic[];
}

function normalizePath(p: string): string {
  return p.replace(/\\/g, '/').replace(/^\.\//, '').replace(/^\/+/, '');
}

function globToRegExp(glob: string): RegExp {
  const body = glob.replace(/[.+^${}()|[\]\\]/g, '\\$&').replace(/\*\*\/?|\*/g, (m) => (m.startsWith('**') ? '(?:.*/)?' : '[^/]*'));
  return new RegExp(`(^|/)${body}$`);
}

/** Input files an `include: local:` names: exact path, or a suffix of a given path, or a glob. */
function findLocal(files: readonly InputFile[], wanted: string): InputFile[] {
  const w = normalizePath(wanted);
  if (w.includes('*')) {
    const re = globToRegExp(w);
    return files.filter((f) => re.test(normalizePath(f.path)));
  }
  const exact = files.find((f) => normalizePath(f.path) === w);
  if (exact) return [exact];
  const suffix = files.find((f) => normalizePath(f.path).endsWith(`/${w}`));
  return suffix ? [suffix] : [];
}

interface IncludeEntry {
  kind: 'local' | 'remote' | 'project' | 'template' | 'component' | 'unknown';
  value: string;
}

export function includeEntries(include: unknown): IncludeEntry[] {
  const list = Array.isArray(include) ? include : [include];
  return list.map((item): IncludeEntry => {
    if (typeof item === 'string') return /^https?:\/\//.test(item) ? { kind: 'remote', value: item } : { kind: 'local', value: item };
    if (isMapping(item)) {
      for (const kind of ['local', 'remote', 'project', 'template', 'component'] as const) if (typeof item[kind] === 'string') return { kind, value: item[kind] as string };
    }
    return { kind: 'unknown', value: JSON.stringify(item) ?? String(item) };
  });
}

/** Pick the main file: `.gitlab-ci.yml` if given, else the first. */
export function mainFileOf(files: readonly InputFile[]): InputFile | undefined {
  return files.find((f) => /(^|[\\/])\.gitlab-ci\.ya?ml$/.test(f.path)) ?? files[0];
}

export function resolveGitlab(files: readonly InputFile[]): Resolved {
  const diagnostics: Diagnostic[] = [];
  const parsedFiles: ParsedFile[] = [];
  const main = mainFileOf(files);
  const position = (path: readonly (string | number)[]): Position | undefined => {
    for (const f of parsedFiles) {
      const p = f.positions.get(pathKey(path));
      if (p) return p;
    }
    return undefined;
  };
  const empty: Resolved = { top: {}, jobs: [], templates: [], position, fieldPosition: () => undefined, mainFile: main?.path ?? '.gitlab-ci.yml', diagnostics };
  if (!main) {
    diagnostics.push(diagnostic('PCI040', 'error', 'no file to import', { hint: 'pass the .gitlab-ci.yml' }));
    return empty;
  }

  const loading = new Set<string>();
  const load = (file: InputFile, depth: number): Mapping | undefined => {
    const { parsed, diagnostics: d } = parseGitlabFile(file);
    diagnostics.push(...d);
    if (!parsed) return undefined;
    parsedFiles.push(parsed);
    if (parsed.value === null || parsed.value === undefined) return {};
    if (!isMapping(parsed.value)) {
      diagnostics.push(diagnostic('PCI040', 'error', 'a GitLab CI file must be a mapping of keywords and jobs', { file: file.path, line: 1, column: 1 }));
      return undefined;
    }
    const own = parsed.value;
    if (own.include === undefined) return own;
    const at = parsed.positions.get(pathKey(['include'])) ?? { file: file.path, line: 1, column: 1 };
    let merged: unknown = {};
    for (const entry of includeEntries(own.include)) {
      if (entry.kind !== 'local') {
        diagnostics.push(
          diagnostic('PCI041', 'warning', `include ${entry.kind} "${entry.value}" is not imported: only local includes given with the file are read`, {
            ...at,
            hint: 'pass the included file alongside, or inline its jobs; the include is kept as is',
          }),
        );
        continue;
      }
      const found = findLocal(files, entry.value);
      if (found.length === 0) {
        diagnostics.push(diagnostic('PCI041', 'warning', `include local "${entry.value}" was not given with the file`, { ...at, hint: 'pass every included file to import' }));
        continue;
      }
      for (const f of found) {
        if (loading.has(f.path) || depth >= maxDepth) {
          diagnostics.push(diagnostic('PCI041', 'warning', `include "${entry.value}" is included again or nested too deep; skipped`, at));
          continue;
        }
        loading.add(f.path);
        const inc = load(f, depth + 1);
        loading.delete(f.path);
        if (inc) merged = deepMerge(merged, inc);
      }
    }
    const { include: _include, ...rest } = own;
    const remaining = includeEntries(own.include).filter((e) => e.kind !== 'local');
    const result = deepMerge(merged, rest) as Mapping;
    // Includes polyci cannot read stay in the pipeline's GitLab keys, so the output still includes them.
    if (remaining.length > 0) result.include = (Array.isArray(own.include) ? own.include : [own.include]).filter((_, i) => includeEntries(own.include)[i].kind !== 'local');
    return result;
  };
  loading.add(main.path);
  const raw = load(main, 0);
  if (!raw) return empty;

  const resolveRefs = (value: unknown, depth: number, where: readonly (string | number)[]): unknown => {
    if (value instanceof Reference) {
      const target = depth < maxDepth ? lookup(raw, value.path) : undefined;
      if (target === undefined) {
        const p = position(where);
        diagnostics.push(diagnostic('PCI041', 'warning', `!reference [${value.path.map(String).join(', ')}] points at nothing${depth >= maxDepth ? ' (nested more than 10 levels)' : ''}`, { ...(p ?? {}), hint: 'check the job and key names' }));
        return undefined;
      }
      return resolveRefs(target, depth + 1, where);
    }
    if (Array.isArray(value)) return value.map((v, i) => resolveRefs(v, depth, [...where, i])).filter((v) => v !== undefined);
    if (isMapping(value)) return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, resolveRefs(v, depth, [...where, k])]).filter(([, v]) => v !== undefined));
    return value;
  };
  const top = resolveRefs(raw, 0, []) as Mapping;

  const resolvedExtends = new Map<string, Mapping>();
  const extendJob = (key: string, stack: string[]): Mapping => {
    const known = resolvedExtends.get(key);
    if (known) return known;
    const job = top[key];
    if (!isMapping(job)) return {};
    const ext = job.extends;
    let base: unknown = {};
    const parents = typeof ext === 'string' ? [ext] : Array.isArray(ext) ? ext.filter((e): e is string => typeof e === 'string') : [];
    for (const parent of parents) {
      const at = position([key, 'extends']);
      if (stack.includes(parent) || stack.length > maxDepth) {
        diagnostics.push(diagnostic('PCI041', 'warning', `extends "${parent}" from "${key}" loops or nests more than ${maxDepth + 1} levels; ignored`, { ...(at ?? {}) }));
        continue;
      }
      if (!isMapping(top[parent])) {
        diagnostics.push(diagnostic('PCI041', 'warning', `"${key}" extends "${parent}", which is not defined`, { ...(at ?? {}), hint: 'define the template or pass the file that holds it' }));
        continue;
      }
      base = deepMerge(base, extendJob(parent, [...stack, parent]));
    }
    const { extends: _e, ...own } = job;
    const result = deepMerge(base, own) as Mapping;
    resolvedExtends.set(key, result);
    return result;
  };

  const defaults: Mapping = {};
  for (const k of legacyGlobals) if (top[k] !== undefined) defaults[k] = top[k];
  if (isMapping(top.default)) for (const k of defaultKeys) if (top.default[k] !== undefined) defaults[k] = top.default[k];

  const jobs: ResolvedJob[] = [];
  const templates: string[] = [];
  for (const key of Object.keys(top)) {
    if ((globalKeywords as readonly string[]).includes(key)) continue;
    if (key.startsWith('.') || !isMapping(top[key])) {
      templates.push(key);
      continue;
    }
    const job = { ...extendJob(key, [key]) };
    const inherit = isMapping(job.inherit) ? job.inherit.default : undefined;
    for (const [k, v] of Object.entries(defaults)) {
      if (job[k] !== undefined) continue;
      if (inherit === false || (Array.isArray(inherit) && !inherit.includes(k))) continue;
      job[k] = v;
    }
    jobs.push({ key, job });
  }
  const fieldPosition = (jobKey: string, path: readonly (string | number)[], seen: string[] = []): Position | undefined => {
    const own = position([jobKey, ...path]);
    if (own) return own;
    const job = top[jobKey];
    const ext = isMapping(job) ? job.extends : undefined;
    const parents = typeof ext === 'string' ? [ext] : Array.isArray(ext) ? ext.filter((e): e is string => typeof e === 'string') : [];
    for (const parent of [...parents].reverse()) {
      if (seen.includes(parent) || seen.length > maxDepth) continue;
      const p = fieldPosition(parent, path, [...seen, parent]);
      if (p) return p;
    }
    if (seen.length > 0) return undefined;
    return position(['default', ...path]) ?? (legacyGlobals.includes(String(path[0])) ? position(path) : undefined);
  };
  return { top, jobs, templates, position, fieldPosition, mainFile: main.path, diagnostics };
}

function lookup(root: Mapping, path: unknown[]): unknown {
  let cur: unknown = root;
  for (const seg of path) {
    if (!isMapping(cur) || typeof seg !== 'string') return undefined;
    cur = cur[seg];
  }
  return cur;
}
