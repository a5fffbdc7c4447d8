/**
 * IR to one `compose.yaml` per pipeline that runs it on a developer's machine.
 *
 * Why one file with one runner service per job (and not a file per job): `needs`
 * becomes `depends_on: condition: service_completed_successfully`, so
 * `docker compose run --rm <job>` runs a job after the jobs it needs, and
 * `docker compose up` runs the whole pipeline; `docker compose config` checks
 * all of it at once. Manual jobs get the `manual` profile.
 */
import {
  diagnostic,
  formatPath,
  hashHeader,
  jobStrategy,
  toYaml,
  usedBuiltins,
  type Diagnostic,
  type EmitOptions,
  type EmitResult,
  type Job,
  type Pipeline,
  type YamlValue,
  jobLevels,
  hasKeys,
  yamlEntries,
  outputFile,
} from '@polyci/core';
import { fromEnvironment, literal } from './interpolation';
import type { ComposeFile } from './model/compose-file';
import type { ComposeDependsOn, ComposeService } from './model/service';
import { byName, daemonVendorKey, jobNameLabel, jobNetwork, manualProfile, oneByName, pipelineExtension, runnerService, servicesVendorKey, workspaceDir, workspaceSource } from './names';
import { composeLimits } from './resources';
import { runnerScript } from './script';
import { jobSidecars } from './services';
import { noNewPrivileges, strategyParts } from './strategy';
import { jobDrops, pipelineDrops } from './unsupported';

/** The file polyci writes. */
export const composeFileName = 'compose.yaml';

/** The image of a job that names none and has no strategy: what hosted CI runners are. */
export const defaultRunnerImage = 'ubuntu:24.04';

/** What `docker compose` runs in place of the builtins when the developer's shell does not set them. */
export const builtinFallback = 'local';

/** Shell entrypoint of every runner: the script is one exec-form argument, so compose splits nothing. */
export const runnerEntrypoint = ['sh', '-ec'];

/** Usage notes after the header. */
export const usageComment = [
  '# One file for the pipeline, so that `needs` can be depends_on: service_completed_successfully.',
  '# One runner service per job (named after the job); its daemon, proxy and service',
  '# containers are <job>.dind, <job>.proxy and <job>.<alias>, on the job\'s own network.',
  '#   docker compose run --rm <job>        run one job, after the jobs it needs',
  '#   docker compose up                    run the whole pipeline',
  '#   docker compose --profile manual up   include the manual jobs',
  '#   docker compose down -v               remove the daemons and their volumes',
  '# Steps run as `sh -ec <script>` in exec form; `$$` is compose\'s escape for `$`.',
].join('\n');

/**
 * vendor.compose over what polyci writes: lists are appended (extra volumes), maps
 * are merged with the vendor's keys winning, anything else is replaced.
 */
export function mergeVendor(base: Record<string, unknown>, vendor: Record<string, unknown>): Record<string, unknown> {
  const out: Record<string, unknown> = { ...base };
  for (const [key, value] of Object.entries(vendor)) {
    const mine = out[key];
    if (Array.isArray(mine) && Array.isArray(value)) out[key] = [...mine, ...value];
    else if (isPlainObject(mine) && isPlainObject(value)) out[key] = { ...mine, ...value };
    else out[key] = value;
  }
  return out;
}

const isPlainObject = (v: unknown): v is Record<string, unknown> => v !== null && typeof v === 'object' && !Array.isArray(v);

/** Jobs that run only with the manual profile: manual ones, and every job that needs one. */
export function manualJobs(pipeline: Pipeline): Set<string> {
  // In DAG order, every need is decided before the jobs that need it: linear, and no recursion.
  const manual = new Set<string>();
  // Only a manual job starts the profile: without one, no need to order the jobs.
  if (!Object.values(pipeline.jobs).some((job) => job.conditions?.manual === true)) return manual;
  for (const level of jobLevels(pipeline)) {
    for (const id of level) {
      const job = pipeline.jobs[id];
      if (job.conditions?.manual === true || job.needs.some((n) => manual.has(n))) manual.add(id);
    }
  }
  return manual;
}

/** Secrets a job uses: its own list, and the ones its builds log in or mount with. */
export function jobSecretNames(job: Job): string[] {
  const names = [...job.secrets];
  for (const step of job.steps) {
    if (!('buildImage' in step)) continue;
    const b = step.buildImage;
    if (b.login) names.push(b.login.usernameSecret, b.login.passwordSecret);
    names.push(...Object.values(b.secrets));
  }
  return [...new Set(names)];
}

interface JobServices {
  services: [string, ComposeService][];
  volumes: string[];
  diagnostics: Diagnostic[];
}

function jobServices(pipeline: Pipeline, jobId: string, job: Job, manual: boolean): JobServices {
  const at = (...rest: (string | number)[]) => formatPath(['jobs', jobId, ...rest]);
  const diagnostics: Diagnostic[] = jobDrops(jobId, job);
  const strategy = jobStrategy(job);
  const parts = strategyParts(jobId, strategy);
  if (parts) for (const d of parts.diagnostics) diagnostics.push(d);
  const script = runnerScript(jobId, job, strategy, parts?.prelude);
  for (const d of script.diagnostics) diagnostics.push(d);
  const { sidecars, diagnostics: sidecarDiagnostics } = jobSidecars(jobId, job, parts?.daemon !== undefined);
  for (const d of sidecarDiagnostics) diagnostics.push(d);

  let image: string;
  if (parts?.imageRequired) {
    image = parts.clientImage;
    if (job.image !== undefined && job.image !== parts.clientImage) {
      diagnostics.push(
        diagnostic('PCI030', 'warning', `the ${strategy!.strategy} builder runs the job's steps: its image replaces "${job.image}"`, {
          path: at('image'),
          hint: 'move the steps that need that image to a job of their own',
        }),
      );
    }
  } else image = job.image !== undefined ? literal(job.image) : parts?.clientImage ?? defaultRunnerImage;

  const environment: Record<string, string | null> = {};
  const generated = new Set<string>();
  if (parts) {
    for (const k of Object.keys(parts.runnerEnv)) {
      environment[k] = literal(parts.runnerEnv[k]);
      generated.add(k);
    }
  }
  // The pipeline's env, then the job's; a path is only spelled out for a finding.
  const userEnv = (env: Record<string, string>, path: (k: string) => string) => {
    for (const k of Object.keys(env)) {
      if (generated.has(k)) {
        diagnostics.push(diagnostic('PCI030', 'warning', `${k} overrides the value the "${strategy?.strategy}" strategy needs (${environment[k]})`, { path: path(k), hint: `remove ${k}: polyci sets it so that the job reaches its builder` }));
      }
      environment[k] = literal(env[k]);
    }
  };
  userEnv(pipeline.env, (k) => formatPath(['env', k]));
  userEnv(job.env, (k) => at('env', k));
  for (const name of usedBuiltins(pipeline, job)) environment[name] = fromEnvironment(name, builtinFallback);
  for (const name of jobSecretNames(job)) {
    if (name in environment) {
      diagnostics.push(diagnostic('PCI030', 'warning', `secret ${name} has the name of a variable; the secret wins`, { path: at('secrets'), hint: 'rename the variable or the secret' }));
    }
    // no value: compose passes the developer's own variable through, and the file never holds a secret.
    environment[name] = null;
  }

  const dependsOn: ComposeDependsOn = byName();
  for (const need of job.needs) dependsOn[runnerService(need)] = { condition: 'service_completed_successfully' };
  if (parts) Object.assign(dependsOn, parts.runnerDependsOn);
  for (const s of sidecars) dependsOn[s.name] = { condition: 'service_started' };

  const volumes = script.checkout ? [`${workspaceSource}:${workspaceDir}`] : [];
  if (parts) for (const v of parts.runnerVolumes) volumes.push(v);

  const runnerResources = strategy && parts?.imageRequired && 'resources' in strategy && strategy.resources ? strategy.resources : job.runner?.resources;
  if (strategy && parts?.imageRequired && 'resources' in strategy && strategy.resources && job.runner?.resources) {
    diagnostics.push(diagnostic('PCI030', 'warning', "the builder is the job's container: docker.resources replaces runner.resources", { path: at('runner', 'resources') }));
  }
  const { limits, unreadable } = composeLimits(runnerResources);
  for (const u of unreadable) diagnostics.push(diagnostic('PCI030', 'warning', `${u} is not a quantity compose can limit; the job runs without that limit`, { path: at('runner', 'resources'), hint: 'use Kubernetes quantities such as 500m / 2 (cpu) and 512Mi / 2Gi (memory)' }));

  // Built key by key in the order the file shows them, without a spread per optional key.
  const profiles = manual ? [manualProfile] : undefined;
  let runner: ComposeService = { image };
  if (profiles) runner.profiles = profiles;
  if (job.name !== undefined) runner.labels = { [jobNameLabel]: literal(job.name) };
  runner.security_opt = parts ? parts.runnerSecurityOpt : [noNewPrivileges];
  runner.entrypoint = runnerEntrypoint;
  runner.command = [literal(script.script)];
  runner.working_dir = workspaceDir;
  if (hasKeys(environment)) runner.environment = environment;
  if (volumes.length > 0) runner.volumes = volumes;
  if (hasKeys(dependsOn)) runner.depends_on = dependsOn;
  runner.networks = oneByName(jobNetwork(jobId), {});
  if (limits.cpus !== undefined) runner.cpus = limits.cpus;
  if (limits.mem_limit !== undefined) runner.mem_limit = limits.mem_limit;
  // vendor.compose: keys for the runner, and (as the importer keeps them) keys for the
  // daemon under x-polyci-daemon and for service containers under x-polyci-services.<alias>
  const jobVendor = job.vendor?.compose;
  let daemonVendor: unknown;
  let servicesVendor: unknown;
  if (jobVendor) {
    let vendor: Record<string, unknown>;
    ({ [daemonVendorKey]: daemonVendor, [servicesVendorKey]: servicesVendor, ...vendor } = jobVendor);
    for (const key of Object.keys(vendor)) {
      if (key in runner && !(Array.isArray(runner[key]) && Array.isArray(vendor[key])) && !(isPlainObject(runner[key]) && isPlainObject(vendor[key]))) {
        diagnostics.push(diagnostic('PCI030', 'info', `vendor.compose.${key} replaces the ${key} polyci writes`, { path: at('vendor', 'compose', key) }));
      }
    }
    runner = mergeVendor(runner, vendor) as ComposeService;
  }

  const services: [string, ComposeService][] = [[runnerService(jobId), runner]];
  if (parts?.daemon) {
    let daemon: ComposeService = profiles ? { profiles, ...parts.daemon.service } : parts.daemon.service;
    if (isPlainObject(daemonVendor)) daemon = mergeVendor(daemon, daemonVendor) as ComposeService;
    else if (daemonVendor !== undefined) diagnostics.push(diagnostic('PCI030', 'warning', `vendor.compose.${daemonVendorKey} must be a map of keys for the daemon service`, { path: at('vendor', 'compose', daemonVendorKey) }));
    services.push([parts.daemon.name, daemon]);
  } else if (daemonVendor !== undefined) {
    diagnostics.push(diagnostic('PCI031', 'warning', `vendor.compose.${daemonVendorKey} is left out: the job's strategy has no daemon service`, { path: at('vendor', 'compose', daemonVendorKey) }));
  }
  const perService = isPlainObject(servicesVendor) ? servicesVendor : undefined;
  for (const s of sidecars) {
    const extra = perService?.[s.name.slice(jobId.length + 1)];
    const service = profiles ? { profiles, ...s.service } : s.service;
    services.push([s.name, isPlainObject(extra) ? (mergeVendor(service, extra) as ComposeService) : service]);
  }
  if (perService) {
    for (const alias of Object.keys(perService)) {
      if (!job.services.some((svc) => svc.alias === alias)) diagnostics.push(diagnostic('PCI031', 'warning', `vendor.compose.${servicesVendorKey}.${alias} names no service of the job; left out`, { path: at('vendor', 'compose', servicesVendorKey) }));
    }
  }
  return { services, volumes: parts?.volumes ?? [], diagnostics };
}

/** The compose document of a pipeline, and every finding on the way. */
export function composeDocument(pipeline: Pipeline): { document: ComposeFile; diagnostics: Diagnostic[] } {
  const services: Record<string, ComposeService> = {};
  return buildDocument(pipeline, services, (batch) => {
    for (const [name, service] of batch) services[name] = service;
  });
}

/**
 * The document with `services` as given: the services go to `write` a few jobs at a
 * time, in order, before the document is put together, so that a caller can either
 * fill `services` or write them and let them go (see emitCompose).
 */
function buildDocument(
  pipeline: Pipeline,
  services: Record<string, ComposeService>,
  write: (batch: [string, ComposeService][], diagnostics: Diagnostic[]) => void,
): { document: ComposeFile; diagnostics: Diagnostic[] } {
  const diagnostics = pipelineDrops(pipeline);
  const manual = manualJobs(pipeline);
  const networks: Record<string, Record<string, never>> = {};
  const volumes: Record<string, Record<string, never>> = {};
  let batch: [string, ComposeService][] = [];
  for (const jobId of Object.keys(pipeline.jobs)) {
    const parts = jobServices(pipeline, jobId, pipeline.jobs[jobId], manual.has(jobId));
    for (const d of parts.diagnostics) diagnostics.push(d);
    for (const service of parts.services) batch.push(service);
    networks[jobNetwork(jobId)] = {};
    for (const v of parts.volumes) volumes[v] = {};
    if (batch.length >= servicesPerBatch) {
      write(batch, diagnostics);
      batch = [];
    }
  }
  if (batch.length > 0) write(batch, diagnostics);
  const extension: Record<string, unknown> = { name: literal(pipeline.name) };
  if (Object.keys(pipeline.env).length > 0) extension.env = Object.fromEntries(Object.entries(pipeline.env).map(([k, v]) => [k, literal(v)]));
  let document: ComposeFile = {
    [pipelineExtension]: extension,
    services,
    networks,
    ...(Object.keys(volumes).length > 0 ? { volumes } : {}),
  };
  const vendor = pipeline.vendor?.compose;
  if (vendor) {
    for (const key of Object.keys(vendor)) {
      if (key in document) diagnostics.push(diagnostic('PCI030', 'info', `vendor.compose.${key} replaces the ${key} polyci writes`, { path: `vendor.compose.${key}` }));
    }
    document = mergeVendor(document, vendor) as ComposeFile;
  }
  return { document, diagnostics };
}

/** Services per batch: enough to amortise a toYaml call, few enough that a batch's objects die young. */
const servicesPerBatch = 500;

/**
 * Job ids that keep service names distinct and in insertion order: no `.` (so no
 * `<job>.<alias>` is another job's name) and not an array index (which JavaScript
 * orders before other keys). Every checked id is one (irPatterns.identifier).
 */
const plainJobId = /^[A-Za-z_][A-Za-z0-9_-]*$/;

/** Emit a checked pipeline as compose.yaml. */
export function emitCompose(pipeline: Pipeline, options: EmitOptions = {}): EmitResult {
  const diagnostics: Diagnostic[] = [];
  const known = new Set(['source']);
  for (const key of Object.keys(options)) {
    const value = options[key];
    if (!known.has(key) && value !== undefined && !['gitlab', 'github', 'buildkite', 'jenkins', 'compose'].includes(key)) {
      diagnostics.push(diagnostic('PCI032', 'warning', `unknown compose option "${key}"`, { hint: 'the compose target takes no options' }));
    }
  }
  // services is the bulk of the file: its entries are written as each batch of jobs is
  // done, so 10,000 jobs' service objects are not all alive for one toYaml of the whole
  // document. toYaml writes a mapping entry by entry, so the text is the same; the
  // document's key order is kept by writing its other keys around the services. When
  // the services map would not be the batches one after the other (a vendor services
  // map merged over it, or job ids that are not plainJobId), the whole document is
  // written at once instead.
  const vendor = pipeline.vendor?.compose;
  const streamed = !(vendor && Object.prototype.hasOwnProperty.call(vendor, 'services')) && Object.keys(pipeline.jobs).every((id) => plainJobId.test(id));
  const chunks: string[] = [];
  const all: Record<string, ComposeService> = {};
  let checked = 0;
  let failed = diagnostics.some((d) => d.severity === 'error');
  const { document, diagnostics: found } = buildDocument(pipeline, streamed ? {} : all, (batch, sofar) => {
    if (!streamed) {
      for (const [name, service] of batch) all[name] = service;
      return;
    }
    // Once there is an error no file is written: stop writing.
    for (; checked < sofar.length; checked++) if (sofar[checked].severity === 'error') failed = true;
    if (failed) return;
    const entries = byName<ComposeService>();
    for (const [name, service] of batch) entries[name] = service;
    chunks.push(yamlEntries(entries as unknown as { [key: string]: YamlValue }, 1));
  });
  for (const d of found) diagnostics.push(d); // a loop: a large pipeline has more diagnostics than a call takes arguments
  if (diagnostics.some((d) => d.severity === 'error')) return { files: [], diagnostics };
  const header = `${hashHeader(options.source)}${usageComment}\n`;
  if (!streamed) return { files: [{ path: composeFileName, contents: header + toYaml(document as unknown as YamlValue) }], diagnostics };
  const before: Record<string, YamlValue> = {};
  const after: Record<string, YamlValue> = {};
  let side = before;
  for (const key of Object.keys(document)) {
    if (key === 'services') side = after;
    else side[key] = document[key] as YamlValue;
  }
  // Kept in pieces (outputFile): the CLI writes them one by one, never the whole text.
  const pieces = [header, yamlEntries(before), chunks.length > 0 ? 'services:\n' : 'services: {}\n', ...chunks, yamlEntries(after)];
  return { files: [outputFile(composeFileName, pieces)], diagnostics };
}
