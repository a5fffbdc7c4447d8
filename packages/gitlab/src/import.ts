/**
 * `.gitlab-ci.yml` (with its local includes) into the IR: GitLab's reuse resolved
 * first (include, !reference, extends, default), then each job mapped, the daemon
 * strategy recognised and polyci's own scaffolding stripped, so that importing
 * polyci's output gives the IR back. Never throws: every problem is a diagnostic.
 */
import {
  diagnostic,
  generatedMarker,
  jobLevels,
  parsePipeline,
  type Diagnostic,
  type ImportResult,
  type InputFile,
  type JobInput,
  type Pipeline,
  type PipelineInput,
  type SourcePositions,
} from '@polyci/core';
import { readMeta, type GitlabMeta } from './meta';
import { importJob, type ImportedJob } from './import/job';
import { isMapping, mainFileOf, resolveGitlab, type Mapping } from './import/resolve';
import { clientVariables } from './import/strategy';
import { importVariables } from './import/variables';
import { triggersFromWorkflow } from './import/workflow';
import { derivedStage } from './stages';
import { unescapeLiteral } from './variables';

const identifier = /^[A-Za-z_][A-Za-z0-9_-]{0,62}$/;
const defaultStages = ['.pre', 'build', 'test', 'deploy', '.post'];
/** Top-level keys read into the IR (the rest is kept under pipeline vendor.gitlab). */
const consumedTop = new Set(['stages', 'variables', 'workflow', 'default', 'image', 'services', 'before_script', 'after_script', 'cache']);

/** File keys to IR ids: polyci's renames undone, other keys made into identifiers. */
function jobIds(keys: readonly string[], meta: GitlabMeta | undefined): Record<string, string> {
  const ids: Record<string, string> = {};
  const reverse = Object.fromEntries(Object.entries(meta?.keys ?? {}).map(([id, key]) => [key, id]));
  const taken = new Set<string>();
  for (const key of keys) {
    let id = reverse[key] ?? key;
    if (!identifier.test(id)) {
      id = key.replace(/[^A-Za-z0-9_-]/g, '_').replace(/^[^A-Za-z_]/, '_').slice(0, 60) || 'job';
    }
    while (taken.has(id)) id = `${id.slice(0, 60)}_`;
    taken.add(id);
    ids[key] = id;
  }
  return ids;
}

/** Remove needs that another need already implies (GitLab's stage order is transitive). */
function reduceNeeds(needs: string[], all: Record<string, string[]>): string[] {
  const reaches = (from: string, to: string, seen = new Set<string>()): boolean => {
    if (seen.has(from)) return false;
    seen.add(from);
    return (all[from] ?? []).some((n) => n === to || reaches(n, to, seen));
  };
  return needs.filter((n) => !needs.some((m) => m !== n && reaches(m, n)));
}

function importUnsafe(files: InputFile[]): ImportResult {
  const resolved = resolveGitlab(files);
  const diagnostics: Diagnostic[] = [...resolved.diagnostics];
  const main = mainFileOf(files);
  const meta = main ? readMeta(main.contents) : undefined;
  const top = resolved.top;
  const pos = (path: (string | number)[]) => resolved.position(path);
  const pipelineVendor: Mapping = {};
  const keepTop = (key: string, why: string, value: unknown = top[key]) => {
    pipelineVendor[key] = value;
    diagnostics.push(diagnostic('PCI042', 'info', `${key}: ${why}; kept under vendor.gitlab`, { ...(pos([key]) ?? {}), path: `vendor.gitlab.${key}` }));
  };

  // Jobs that are not IR jobs (trigger jobs, script-less keys) stay whole in the pipeline's GitLab keys.
  const jobEntries = resolved.jobs.filter(({ key, job }) => {
    if (job.script !== undefined) return true;
    if (job.trigger !== undefined) keepTop(key, 'a trigger job (downstream pipeline) has no IR form', top[key]);
    else diagnostics.push(diagnostic('PCI041', 'warning', `"${key}" has no script: GitLab rejects it, and it is not imported`, { ...(pos([key]) ?? {}), hint: 'add a script, or start its name with a dot to make it a template' }));
    return false;
  });
  if (resolved.templates.length > 0) {
    diagnostics.push(diagnostic('PCI042', 'info', `templates resolved into the jobs that extend or reference them: ${resolved.templates.join(', ')}`, { ...(pos([resolved.templates[0]]) ?? {}) }));
  }

  // polyci's own output: its header is the file's first line.
  const polyciOutput = main !== undefined && main.contents.startsWith(`# ${generatedMarker}`);
  const ids = jobIds(jobEntries.map((j) => j.key), meta);
  const globalVariables = isMapping(top.variables) ? top.variables : {};
  const imported: { key: string; id: string; result: ImportedJob }[] = jobEntries.map(({ key, job }) => ({
    key,
    id: ids[key],
    result: importJob(job, { key, id: ids[key], ids, globalVariables, meta: meta?.jobs?.[ids[key]], strict: polyciOutput, renamed: meta?.keys?.[ids[key]] !== key, position: pos }),
  }));
  for (const j of imported) diagnostics.push(...j.result.diagnostics);

  // Jobs without `needs:` run after every job of the earlier stages.
  const stages = Array.isArray(top.stages) ? ['.pre', ...top.stages.filter((s): s is string => typeof s === 'string'), '.post'] : defaultStages;
  const stageIndex = (s: string) => stages.indexOf(s);
  for (const j of imported) {
    if (stageIndex(j.result.stage) < 0) diagnostics.push(diagnostic('PCI041', 'warning', `stage "${j.result.stage}" is not in stages`, { ...(pos([j.key, 'stage']) ?? {}) }));
  }
  const needsOf: Record<string, string[]> = Object.fromEntries(imported.map((j) => [j.id, j.result.job.needs ?? []]));
  for (const j of [...imported].sort((a, b) => stageIndex(a.result.stage) - stageIndex(b.result.stage))) {
    if (j.result.hasNeeds) continue;
    const earlier = imported.filter((o) => stageIndex(o.result.stage) < stageIndex(j.result.stage)).map((o) => o.id);
    needsOf[j.id] = reduceNeeds(earlier, needsOf);
    j.result.job.needs = needsOf[j.id];
  }

  const jobs: Record<string, JobInput> = {};
  for (const j of imported) jobs[j.id] = j.result.job;

  // Stages are kept only where they say more than the DAG does.
  const levels = jobLevels({ jobs: Object.fromEntries(imported.map((j) => [j.id, { needs: j.result.job.needs ?? [] }])) } as unknown as Pipeline);
  const levelOf = new Map<string, number>();
  levels.forEach((l, i) => l.forEach((id) => levelOf.set(id, i)));
  for (const j of imported) {
    const explicit = typeof jobEntries.find((e) => e.key === j.key)?.job.stage === 'string';
    const stage = j.result.stage;
    if (!explicit || (stage === derivedStage(levelOf.get(j.id) ?? 0) && meta?.jobs?.[j.id]?.stage === undefined)) continue;
    if (identifier.test(stage)) j.result.job.stage = stage;
    else diagnostics.push(diagnostic('PCI041', 'warning', `stage "${stage}" is not an IR stage name; the job's place comes from its needs`, { ...(pos([j.key, 'stage']) ?? {}), path: `jobs.${j.id}.stage` }));
  }

  // Pipeline: name, env, triggers, policy, what stays GitLab's own
  const workflow = isMapping(top.workflow) ? top.workflow : {};
  const name = typeof workflow.name === 'string' && workflow.name !== '' ? unescapeLiteral(workflow.name).slice(0, 200) : 'gitlab-ci';
  const usesDaemon = imported.some((j) => j.result.job.docker && ['dind', 'dind-rootless', 'socket-proxy'].includes(j.result.job.docker.strategy));
  const env = importVariables(globalVariables, (n) => pos(['variables', n]), { skip: usesDaemon ? clientVariables : [], irPath: 'env' });
  diagnostics.push(...env.diagnostics);
  if (Object.keys(env.rawKept).length > 0) pipelineVendor.variables = env.rawKept;
  for (const k of ['GIT_STRATEGY', 'GIT_DEPTH', 'GIT_SUBMODULE_STRATEGY']) delete env.env[k];
  if (env.secrets.length > 0) for (const job of Object.values(jobs)) job.secrets = [...new Set([...(job.secrets ?? []), ...env.secrets])];

  const { triggers, understood } = triggersFromWorkflow(workflow.rules, meta?.schedules ?? []);
  if (!understood) keepTop('workflow', 'workflow rules that say more than push, merge request, schedule and web triggers', workflow);
  else {
    const extra = Object.keys(workflow).filter((k) => k !== 'rules' && k !== 'name');
    if (extra.length > 0) keepTop('workflow', `workflow ${extra.join(', ')} has no IR form`, Object.fromEntries(extra.map((k) => [k, workflow[k]])));
  }
  if (triggers.schedule === undefined && Array.isArray(workflow.rules) && JSON.stringify(workflow.rules).includes('"schedule"') && understood) {
    diagnostics.push(diagnostic('PCI041', 'warning', 'scheduled pipelines are configured in the project, not in the file: add the cron to triggers.schedule', { ...(pos(['workflow', 'rules']) ?? {}), path: 'triggers.schedule' }));
  }
  if (isMapping(top.default)) {
    const rest = Object.keys(top.default).filter((k) => !['image', 'services', 'before_script', 'after_script', 'cache', 'tags', 'timeout', 'retry', 'artifacts', 'interruptible', 'hooks', 'id_tokens'].includes(k));
    if (rest.length > 0) keepTop('default', `default ${rest.join(', ')} has no IR form`, Object.fromEntries(rest.map((k) => [k, (top.default as Mapping)[k]])));
  }
  for (const key of Object.keys(top)) {
    if (consumedTop.has(key) || key in pipelineVendor || jobEntries.some((j) => j.key === key) || resolved.templates.includes(key)) continue;
    if (resolved.jobs.some((j) => j.key === key)) continue;
    keepTop(key, key === 'include' ? 'includes polyci did not read' : 'no IR meaning');
  }

  const positions = sourcePositions(resolved, imported.map((j) => ({ key: j.key, id: j.id, job: j.result.job })));

  const input: PipelineInput = { name: name === '' ? 'gitlab-ci' : name, env: env.env, triggers, jobs, ...(meta?.policy ? { policy: meta.policy } : {}) };
  if (Object.keys(pipelineVendor).length > 0) input.vendor = { gitlab: pipelineVendor };
  const parsed = parsePipeline(input);
  if (!parsed.pipeline) {
    for (const d of parsed.diagnostics) diagnostics.push({ ...d, code: 'PCI041', severity: d.severity === 'error' ? 'error' : d.severity, message: `imported pipeline: ${d.message}`, file: resolved.mainFile });
    return { pipeline: input as Pipeline, diagnostics, positions };
  }
  return { pipeline: parsed.pipeline, diagnostics, positions };
}

/** file:line of IR paths, so that findings on the imported IR (lint, explain) point into the files. */
function sourcePositions(resolved: ReturnType<typeof resolveGitlab>, jobs: { key: string; id: string; job: JobInput }[]): SourcePositions {
  const out: SourcePositions = {};
  const set = (path: string, p: { file: string; line: number; column: number } | undefined) => {
    if (p) out[path] = { file: p.file, line: p.line, column: p.column };
  };
  set('name', resolved.position(['workflow', 'name']));
  set('triggers', resolved.position(['workflow', 'rules']) ?? resolved.position(['workflow']));
  set('env', resolved.position(['variables']));
  for (const [name] of Object.entries(isMapping(resolved.top.variables) ? resolved.top.variables : {})) set(`env.${name}`, resolved.position(['variables', name]));
  for (const { key, id, job } of jobs) {
    const at = `jobs.${id}`;
    const field = (...path: (string | number)[]) => resolved.fieldPosition(key, path);
    set(at, resolved.position([key]));
    set(`${at}.image`, field('image'));
    set(`${at}.docker`, field('services') ?? field('image') ?? field('variables', 'DOCKER_HOST'));
    set(`${at}.docker.tls`, field('variables', 'DOCKER_HOST') ?? resolved.position(['variables', 'DOCKER_HOST']) ?? field('variables', 'DOCKER_TLS_CERTDIR') ?? resolved.position(['variables', 'DOCKER_TLS_CERTDIR']) ?? field('services'));
    set(`${at}.services`, field('services'));
    set(`${at}.steps`, field('script'));
    set(`${at}.needs`, field('needs') ?? field('stage'));
    set(`${at}.stage`, field('stage'));
    set(`${at}.conditions`, field('rules') ?? field('only') ?? field('when'));
    set(`${at}.runner`, field('tags'));
    set(`${at}.timeoutMinutes`, field('timeout'));
    set(`${at}.retry`, field('retry'));
    set(`${at}.artifacts`, field('artifacts'));
    set(`${at}.cache`, field('cache'));
    set(`${at}.env`, field('variables'));
    for (const name of Object.keys(job.env ?? {})) set(`${at}.env.${name}`, field('variables', name) ?? resolved.position(['variables', name]));
    for (const name of job.secrets ?? []) set(`${at}.secrets`, field('variables', name) ?? resolved.position(['variables', name]));
  }
  return out;
}

/** Import GitLab CI files (the main `.gitlab-ci.yml` and the local files it includes). */
export function importGitlab(files: InputFile[]): ImportResult {
  try {
    return importUnsafe(files);
  } catch (e) {
    // A last line of defence for the fuzzer's sake: a finding, never a stack trace.
    return {
      pipeline: { name: 'gitlab-ci', env: {}, triggers: { push: {} }, policy: {}, jobs: {} } as Pipeline,
      diagnostics: [diagnostic('PCI040', 'error', `could not import: ${String((e as Error)?.message ?? e).split('\n')[0]}`, { file: files[0]?.path })],
    };
  }
}
