/**
 * Compose files back to the IR. Each service that runs something is a job; the
 * Docker daemon strategy is read from compose's idioms (seed 001): a `docker:dind`
 * service the job reaches through DOCKER_HOST (TLS from DOCKER_TLS_CERTDIR and
 * the port), a rootless one, the host socket as a volume, a
 * tecnativa/docker-socket-proxy service (its allow-list from its environment), or
 * a kaniko/buildah/buildkit image. Services a job only waits to start are its
 * service containers. polyci's own scaffolding (cert volumes, the job network,
 * builtin variables, the readiness wait) is recognised and left out; every other
 * key is kept under `vendor.compose` with a PCI042 naming its line.
 */
import {
  builderEnv,
  clientEnv,
  daemonDataDir,
  defaultVersions,
  diagnostic,
  formatPath,
  PipelineSchema,
  socketProxySections,
  strategyImages,
  type ConcreteStrategy,
  type Diagnostic,
  type ImportResult,
  type InputFile,
  type Job,
  type Pipeline,
  type Service,
  type SourcePositions,
  type Step,
} from '@polyci/core';
import { unliteral } from '../interpolation';
import { ComposeFileSchema } from '../model/compose-file';
import { isComposeKey } from '../model/keys';
import { argvOf, dependsOnOf, environmentOf, serviceNetworksOf, volumeMountOf, type DependsOnCondition, type VolumeMount } from '../model/service';
import { daemonAlias, daemonVendorKey, jobNameLabel, manualProfile, pipelineExtension, servicesVendorKey, workspaceDir } from '../names';
import { cpuQuantityOf, memoryQuantityOf } from '../resources';
import { daemonHealthcheck, noNewPrivileges, proxySocketPath, unconfinedSecurityOpt } from '../strategy';
import { defaultRunnerImage } from '../emit';
import { readComposeFile, type ComposeSource, type Segment } from './document';
import { importEnvironment } from './env';
import { imageRole, type ImageRole } from './images';
import { commandSteps } from './steps';

type Raw = Record<string, unknown>;
const isObject = (v: unknown): v is Raw => v !== null && typeof v === 'object' && !Array.isArray(v);

interface ServiceEntry {
  name: string;
  def: Raw;
  source: ComposeSource;
  role: ImageRole;
  env: [string, string | null][];
  depends: Record<string, DependsOnCondition>;
  networks: Record<string, string[]>;
  volumes: (VolumeMount | undefined)[];
}

/** Ids of jobs must be identifiers: service names may hold dots and more. */
function jobIdOf(name: string, taken: Set<string>): string {
  let id = name.replace(/[^A-Za-z0-9_-]/g, '_');
  if (!/^[A-Za-z_]/.test(id)) id = `_${id}`;
  id = id.slice(0, 60);
  let candidate = id;
  for (let n = 2; taken.has(candidate); n++) candidate = `${id.slice(0, 58)}_${n}`;
  taken.add(candidate);
  return candidate;
}

const socketTarget = /(^|\/)docker\.sock$/;

/** Import compose files (merged in order, as `docker compose -f a -f b` does). */
export function importCompose(files: InputFile[]): ImportResult {
  const diagnostics: Diagnostic[] = [];
  const positions: SourcePositions = {};
  const sources: ComposeSource[] = [];
  for (const file of files) {
    const read = readComposeFile(file);
    diagnostics.push(...read.diagnostics);
    if (read.source) sources.push(read.source);
  }
  const fallbackName = (files[0]?.path ?? 'compose').split('/').slice(-2, -1)[0] || 'compose';
  const empty = (): ImportResult => ({ pipeline: { name: fallbackName, env: {}, triggers: { push: {} }, policy: {}, jobs: {} }, diagnostics, positions });
  if (sources.length === 0) return empty();

  const at = (source: ComposeSource, path: Segment[]) => ({ file: source.file, ...source.position(path) });
  const pipelineVendor: Raw = {};
  const entries = new Map<string, ServiceEntry>();
  let pipelineName: string | undefined;
  let pipelineEnv: Record<string, string> = {};
  const declaredVolumes = new Map<string, { value: unknown; source: ComposeSource }>();
  const declaredNetworks = new Map<string, { value: unknown; source: ComposeSource }>();

  for (const source of sources) {
    // the shape of the top level only: services are read one by one below, each with its own diagnostics
    const top0 = isObject(source.value) ? source.value : undefined;
    const shape = top0 && ComposeFileSchema.safeParse({ ...top0, services: isObject(top0.services) ? {} : top0.services });
    if (!shape?.success || !isObject(source.value)) {
      diagnostics.push(diagnostic('PCI041', 'error', 'not a compose file: the top level must be a mapping with `services`', { ...at(source, []), hint: 'see https://docs.docker.com/reference/compose-file/' }));
      continue;
    }
    const top = source.value;
    for (const [key, value] of Object.entries(top)) {
      const where = at(source, [key]);
      if (key === 'services') continue;
      if (key === 'version') {
        diagnostics.push(diagnostic('PCI043', 'info', '`version` is obsolete: Compose v2 ignores it (with a warning) and reads the file as the Compose Specification', { ...where, hint: 'remove it' }));
      } else if (key === 'name' && typeof value === 'string') {
        pipelineName ??= value;
      } else if (key === pipelineExtension && isObject(value)) {
        if (typeof value.name === 'string') pipelineName = unliteral(value.name);
        if (isObject(value.env)) pipelineEnv = Object.fromEntries(Object.entries(value.env).map(([k, v]) => [k, unliteral(String(v))]));
      } else if (key === 'volumes' && isObject(value)) {
        for (const [n, v] of Object.entries(value)) declaredVolumes.set(n, { value: v, source });
      } else if (key === 'networks' && isObject(value)) {
        for (const [n, v] of Object.entries(value)) declaredNetworks.set(n, { value: v, source });
      } else if (key === 'volumes' || key === 'networks') {
        continue;
      } else if (!isComposeKey(key, 'top')) {
        diagnostics.push(diagnostic('PCI043', 'warning', `top-level \`${key}\` is not a Compose Specification key: docker compose refuses the file; left out`, { ...where, hint: 'check its spelling, or prefix it with x- to keep it as an extension field' }));
      } else {
        pipelineVendor[key] = value;
        diagnostics.push(diagnostic('PCI042', key.startsWith('x-') ? 'info' : 'warning', `top-level \`${key}\` has no IR meaning; kept in vendor.compose`, { ...where, hint: 'it is written back as is when compiling to compose, and ignored by the other targets' }));
      }
    }
    const services = isObject(top.services) ? top.services : {};
    for (const [name, def] of Object.entries(services)) {
      const d = isObject(def) ? def : {};
      const previous = entries.get(name);
      const merged = previous ? { ...previous.def, ...d } : d;
      const where = (path: Segment[]) => at(source, ['services', name, ...path]);
      const env = environmentOf(merged.environment);
      const depends = dependsOnOf(merged.depends_on);
      const networks = serviceNetworksOf(merged.networks);
      if (env === undefined) diagnostics.push(diagnostic('PCI041', 'warning', `service ${name}: environment is neither a map nor a list of NAME=value`, { ...where(['environment']) }));
      if (depends === undefined) diagnostics.push(diagnostic('PCI041', 'warning', `service ${name}: depends_on is neither a list nor a map of conditions`, { ...where(['depends_on']) }));
      const volumes = Array.isArray(merged.volumes) ? merged.volumes.map(volumeMountOf) : [];
      const image = typeof merged.image === 'string' ? merged.image : undefined;
      entries.set(name, { name, def: merged, source, role: image ? imageRole(image) : { role: 'other' }, env: env ?? [], depends: depends ?? {}, networks: networks ?? {}, volumes });
    }
  }
  if (entries.size === 0) {
    diagnostics.push(diagnostic('PCI041', 'error', 'the compose file has no services', { file: sources[0].file, hint: 'a job is a service that runs its steps as its command' }));
    return empty();
  }

  // --- daemons and proxies, and who reaches them
  const envOf = (e: ServiceEntry) => Object.fromEntries(e.env);
  const isDind = (e: ServiceEntry) => e.role.role === 'dind' || (e.def.privileged === true && e.env.some(([k]) => k === 'DOCKER_TLS_CERTDIR') && e.role.role === 'other');
  const daemons = [...entries.values()].filter((e) => isDind(e) || e.role.role === 'proxy');
  const daemonNames = new Set(daemons.map((d) => d.name));
  const hostOf = (e: ServiceEntry): { host: string; port: number } | undefined => {
    const m = /^tcp:\/\/([^:/]+):([0-9]+)\/?$/.exec(envOf(e).DOCKER_HOST ?? '');
    return m ? { host: m[1], port: Number(m[2]) } : undefined;
  };
  const sharesNetwork = (a: ServiceEntry, b: ServiceEntry) => {
    const na = Object.keys(a.networks);
    const nb = Object.keys(b.networks);
    return (na.length === 0 && nb.length === 0) || na.some((n) => nb.includes(n));
  };
  const daemonOf = (e: ServiceEntry): ServiceEntry | undefined => {
    const target = hostOf(e);
    if (target) {
      const byName = daemons.find((d) => d.name === target.host);
      if (byName) return byName;
      const byAlias = daemons.filter((d) => Object.values(d.networks).some((aliases) => aliases.includes(target.host)) && sharesNetwork(d, e));
      if (byAlias.length > 0) return byAlias[0];
    }
    return daemons.find((d) => d.name in e.depends);
  };

  // --- jobs and their service containers
  const candidates = [...entries.values()].filter((e) => !daemonNames.has(e.name));
  const completionTargets = new Set(candidates.flatMap((e) => Object.entries(e.depends).filter(([, c]) => c === 'service_completed_successfully').map(([n]) => n)));
  const linked = new Map<string, ServiceEntry | undefined>(candidates.map((e) => [e.name, daemonOf(e)]));
  const hasSocket = (e: ServiceEntry) => e.volumes.some((v) => v && socketTarget.test(v.target) && v.type !== 'volume');
  const waitedFor = new Set(candidates.flatMap((p) => Object.entries(p.depends).filter(([n, c]) => n !== p.name && c !== 'service_completed_successfully').map(([n]) => n)));
  const isSidecar = (e: ServiceEntry) => waitedFor.has(e.name) && !completionTargets.has(e.name) && !linked.get(e.name) && !hasSocket(e) && e.role.role === 'other';
  const sidecars = new Set(candidates.filter(isSidecar).map((e) => e.name));
  const jobEntries = candidates.filter((e) => !sidecars.has(e.name));
  const taken = new Set<string>();
  const jobIds = new Map(jobEntries.map((e) => [e.name, jobIdOf(e.name, taken)]));
  const usedDaemons = new Set<string>();
  const usedVolumes = new Set<string>();
  const consumedVolumes = new Set<string>();

  const jobs: Record<string, Job> = {};
  for (const entry of jobEntries) {
    const id = jobIds.get(entry.name)!;
    const where = (path: Segment[]) => at(entry.source, ['services', entry.name, ...path]);
    const vendor: Raw = {};
    const keep = (key: string, value: unknown, severity: 'info' | 'warning' = 'info', why = 'has no IR meaning') => {
      vendor[key] = value;
      diagnostics.push(diagnostic('PCI042', severity, `service ${entry.name}: \`${key}\` ${why}; kept in vendor.compose`, { ...where([key]), path: formatPath(['jobs', id, 'vendor', 'compose', key]), hint: 'compiling to compose writes it back on the job\'s service; the other targets ignore it' }));
    };
    const p = where([]);
    positions[formatPath(['jobs', id])] = { file: p.file, line: p.line ?? 1, ...(p.column ? { column: p.column } : {}) };
    const consumed = new Set<string>(['image', 'entrypoint', 'command', 'environment', 'depends_on', 'networks', 'volumes', 'working_dir', 'labels', 'profiles', 'security_opt', 'cpus', 'mem_limit']);

    // strategy
    const daemon = linked.get(entry.name);
    let strategy: ConcreteStrategy | undefined;
    const daemonVendor: Raw = {};
    if (daemon) {
      usedDaemons.add(daemon.name);
      const dp = at(daemon.source, ['services', daemon.name]);
      positions[formatPath(['jobs', id, 'docker'])] = { file: dp.file, line: dp.line ?? 1 };
      strategy = daemonStrategy(entry, daemon, daemonVendor, { used: usedVolumes, consumed: consumedVolumes }, diagnostics, at, hostOf(entry)?.port);
      if (hasSocket(entry)) diagnostics.push(diagnostic('PCI041', 'warning', `service ${entry.name} mounts the host socket and also reaches ${daemon.name}; the daemon wins and the socket mount is left out`, { ...where(['volumes']), hint: 'a job that has its own daemon should not hold the host\'s as well' }));
    } else if (entry.role.role === 'builder') {
      strategy = { strategy: entry.role.strategy, ...(entry.role.version ? { version: entry.role.version } : {}) };
    } else if (hasSocket(entry)) {
      const mount = entry.volumes.find((v) => v && socketTarget.test(v.target) && v.type !== 'volume')!;
      const version = entry.role.role === 'docker-cli' ? entry.role.version : undefined;
      strategy = { strategy: 'socket', path: mount.source ?? '/var/run/docker.sock', ...(version ? { version } : {}) };
      if (!/^\/[^\s:]*$/.test(strategy.path)) {
        diagnostics.push(diagnostic('PCI041', 'warning', `socket path ${mount.source} is not an absolute host path; /var/run/docker.sock is used`, { ...where(['volumes']) }));
        strategy.path = '/var/run/docker.sock';
      }
    } else if (hostOf(entry) || envOf(entry).DOCKER_HOST) {
      diagnostics.push(diagnostic('PCI041', 'warning', `service ${entry.name}: DOCKER_HOST names no daemon service of this file; the job gets no docker strategy`, { ...where(['environment']), hint: 'add the dind or socket-proxy service, or set `docker` on the job' }));
    }

    // image
    const job: Job = { needs: [], env: {}, secrets: [], services: [], steps: [] };
    const image = typeof entry.def.image === 'string' ? entry.def.image : undefined;
    if (image === undefined) {
      diagnostics.push(diagnostic('PCI041', 'warning', `service ${entry.name} has no image${entry.def.build !== undefined ? ' (it is built from `build`)' : ''}: the job runs in the default image`, { ...p }));
    } else if (strategy && strategyImages(strategy).client === image) {
      // polyci's own client or builder image
    } else if (entry.role.role === 'builder') {
      // the builder is the strategy
    } else if (strategy && entry.role.role === 'docker-cli' && (strategy.strategy === 'dind' || strategy.strategy === 'dind-rootless' || strategy.strategy === 'socket-proxy' || strategy.strategy === 'socket')) {
      if (image !== strategyImages(strategy).client) {
        diagnostics.push(diagnostic('PCI041', 'info', `service ${entry.name}: the docker CLI image ${image} is replaced by the pinned ${strategyImages(strategy).client}`, { ...where(['image']), hint: 'set docker.version to choose the Docker version' }));
      }
    } else if (!(strategy === undefined && image === defaultRunnerImage)) {
      job.image = unliteral(image);
    }

    // environment
    const generated: Record<string, string> = { ...(strategy ? clientEnv(strategy, daemonAlias) : {}), ...(strategy ? builderEnv(strategy) : {}) };
    const userEntries = entry.env.filter(([k, v]) => {
      if (k in generated && (v === generated[k] || (k === 'DOCKER_HOST' && strategy && /^tcp:\/\//.test(v ?? '')))) return false;
      if (strategy && (strategy.strategy === 'dind' || strategy.strategy === 'dind-rootless') && ['DOCKER_TLS_VERIFY', 'DOCKER_CERT_PATH'].includes(k) && strategy.tls) return false;
      if (/^POLYCI_(BUILD_NUMBER|COMMIT_SHA|BRANCH)$/.test(k) && v === `\${${k}:-local}`) return false;
      if (k in pipelineEnv && v !== null && unliteral(v) === pipelineEnv[k]) return false;
      return true;
    });
    const imported = importEnvironment(userEntries, (name) => where(['environment', ...(Array.isArray(entry.def.environment) ? [entry.env.findIndex(([k]) => k === name)] : [name])]), `service ${entry.name}`);
    diagnostics.push(...imported.diagnostics);
    job.env = imported.env;
    job.secrets = imported.secrets;

    // steps
    const workingDir = typeof entry.def.working_dir === 'string' ? entry.def.working_dir : undefined;
    const command = commandSteps(entry.def.entrypoint, entry.def.command, strategy, workingDir);
    const interpolated = [entry.def.entrypoint, entry.def.command].flat().filter((c): c is string => typeof c === 'string' && /\$/.test(c.split('$$').join('')));
    if (interpolated.length > 0 && !command?.ours) {
      diagnostics.push(
        diagnostic('PCI041', 'info', `service ${entry.name}: compose fills \${...} in the command from the developer's environment; polyci keeps the references for the job's shell`, {
          ...where(['command']),
          hint: 'write $$ in compose (or set the variable in the job\'s env) if the job should expand it',
        }),
      );
    }
    let steps: Step[] = [];
    if (!command) {
      diagnostics.push(diagnostic('PCI041', 'warning', `service ${entry.name}: command/entrypoint is neither a string nor a list of strings`, { ...where(['command']) }));
      keep('command', entry.def.command, 'warning', 'cannot be read');
    } else {
      steps = command.steps;
      if (command.extraArgs.length > 0) diagnostics.push(diagnostic('PCI041', 'warning', `service ${entry.name}: arguments after the shell script (${command.extraArgs.length}) are left out`, { ...where(['command']) }));
      if (command.imageDefault) {
        diagnostics.push(diagnostic('PCI041', 'warning', `service ${entry.name} has no command: it runs its image's default command, which polyci cannot see; imported as a no-op step`, { ...p, hint: 'write the job\'s commands as its `command`' }));
      }
    }
    // the checkout: the repository bind-mounted as the working directory
    const extraVolumes: unknown[] = [];
    let workspace = false;
    (Array.isArray(entry.def.volumes) ? entry.def.volumes : []).forEach((raw, i) => {
      const v = entry.volumes[i];
      if (!v) {
        extraVolumes.push(raw);
        return;
      }
      const isWorkspace = v.type === 'bind' && (v.target === workingDir || v.target === workspaceDir) && /^(\.|\.\/.*|\$\{?PWD\}?.*)$/.test(v.source ?? '');
      if (isWorkspace && !workspace) {
        workspace = true;
        return;
      }
      if (strategy?.strategy === 'socket' && socketTarget.test(v.target) && v.source === strategy.path) return;
      if (daemon && socketTarget.test(v.target) && v.type !== 'volume') return; // reported above
      if (/^\/certs(\/client)?\/?$/.test(v.target) && v.type === 'volume' && strategy && (strategy.strategy === 'dind' || strategy.strategy === 'dind-rootless')) {
        if (v.source) consumedVolumes.add(v.source);
        return;
      }
      extraVolumes.push(raw);
      if (v.type === 'volume' && v.source) usedVolumes.add(v.source);
    });
    if (workspace && !(command?.ours && steps.some((s) => 'checkout' in s))) steps.unshift({ checkout: {} });
    if (!command?.ours && workingDir !== undefined && workingDir !== workspaceDir && !(workspace && workingDir)) keep('working_dir', entry.def.working_dir);
    if (steps.length === 0) steps.push({ run: 'true' });
    job.steps = steps;
    if (extraVolumes.length > 0) keep('volumes', extraVolumes);

    // order, service containers
    for (const [dep, condition] of Object.entries(entry.depends)) {
      if (daemonNames.has(dep)) continue;
      if (jobIds.has(dep)) {
        job.needs.push(jobIds.get(dep)!);
        if (condition !== 'service_completed_successfully') {
          diagnostics.push(diagnostic('PCI041', 'info', `service ${entry.name} waits for ${dep} to ${condition === 'service_healthy' ? 'be healthy' : 'start'}; imported as needs (${dep} must finish first)`, { ...where(['depends_on', dep]) }));
        }
      } else if (!entries.has(dep)) {
        diagnostics.push(diagnostic('PCI041', 'warning', `service ${entry.name} depends on ${dep}, which is not a service of this file`, { ...where(['depends_on']) }));
      }
    }
    const serviceVendor: Raw = {};
    const addSidecars = (from: ServiceEntry, seen: Set<string>) => {
      for (const [dep, condition] of Object.entries(from.depends)) {
        if (!sidecars.has(dep) || seen.has(dep) || condition === 'service_completed_successfully') continue;
        seen.add(dep);
        const sidecar = entries.get(dep)!;
        const { service, rest } = irService(sidecar, id, diagnostics, at, job);
        if (service) job.services.push(service);
        if (Object.keys(rest).length > 0) serviceVendor[service?.alias ?? dep] = rest;
        addSidecars(sidecar, seen);
      }
    };
    addSidecars(entry, new Set());
    if (Object.keys(serviceVendor).length > 0) {
      vendor[servicesVendorKey] = serviceVendor;
      diagnostics.push(diagnostic('PCI042', 'info', `service containers of ${entry.name} have keys with no IR meaning; kept in vendor.compose.x-polyci-services`, { ...p }));
    }

    // networks: polyci gives every job a private network of its own
    const foreign = Object.keys(entry.networks).filter((n) => n !== id && n !== entry.name && n !== 'default');
    if (foreign.length > 0) {
      diagnostics.push(diagnostic('PCI041', 'info', `service ${entry.name}: network${foreign.length > 1 ? 's' : ''} ${foreign.join(', ')} become${foreign.length > 1 ? '' : 's'} the job's private network`, { ...where(['networks']), hint: 'polyci puts a job, its daemon and its service containers on one network per job' }));
    }

    // labels, profiles, security options, limits
    const labels = isObject(entry.def.labels) ? { ...entry.def.labels } : Array.isArray(entry.def.labels) ? Object.fromEntries(entry.def.labels.map((l) => String(l).split(/=(.*)/s).slice(0, 2))) : {};
    if (typeof labels[jobNameLabel] === 'string') {
      job.name = unliteral(labels[jobNameLabel] as string);
      delete labels[jobNameLabel];
    }
    if (Object.keys(labels).length > 0) keep('labels', labels);
    const profiles = Array.isArray(entry.def.profiles) ? entry.def.profiles.map(String) : [];
    if (profiles.includes(manualProfile)) {
      const inherited = Object.entries(entry.depends).some(([dep, c]) => c === 'service_completed_successfully' && Array.isArray(entries.get(dep)?.def.profiles) && (entries.get(dep)!.def.profiles as unknown[]).includes(manualProfile));
      if (!inherited) job.conditions = { manual: true };
    }
    const otherProfiles = profiles.filter((x) => x !== manualProfile);
    if (otherProfiles.length > 0) keep('profiles', otherProfiles);
    const expectedSecurity = strategy?.strategy === 'buildkit' ? unconfinedSecurityOpt : strategy?.strategy === 'buildah' ? [...unconfinedSecurityOpt, noNewPrivileges] : [noNewPrivileges];
    if (Array.isArray(entry.def.security_opt)) {
      const extra = entry.def.security_opt.filter((o) => !expectedSecurity.includes(String(o)) && !(strategy?.strategy !== 'kaniko' && unconfinedSecurityOpt.includes(String(o))));
      if (extra.length > 0) keep('security_opt', extra);
    }
    const cpu = entry.def.cpus !== undefined ? cpuQuantityOf(entry.def.cpus) : undefined;
    const memory = entry.def.mem_limit !== undefined ? memoryQuantityOf(entry.def.mem_limit) : undefined;
    if (entry.def.cpus !== undefined && !cpu) keep('cpus', entry.def.cpus, 'warning', 'cannot be read');
    if (entry.def.mem_limit !== undefined && !memory) keep('mem_limit', entry.def.mem_limit, 'warning', 'cannot be read');
    if (cpu || memory) job.runner = { resources: { ...(cpu ? { cpu } : {}), ...(memory ? { memory } : {}) } };

    for (const [key, value] of Object.entries(entry.def)) {
      if (consumed.has(key)) continue;
      if (!isComposeKey(key, 'service')) {
        diagnostics.push(diagnostic('PCI043', 'warning', `service ${entry.name}: \`${key}\` is not a Compose Specification key: docker compose refuses the file; left out`, { ...where([key]), hint: 'check its spelling, or prefix it with x- to keep it as an extension field' }));
      } else if (key === 'privileged' && value === true) keep(key, value, 'warning', 'runs the job container privileged, which the IR only allows for daemons');
      else keep(key, value);
    }
    if (Object.keys(daemonVendor).length > 0) {
      vendor[daemonVendorKey] = daemonVendor;
    }
    if (strategy) job.docker = strategy;
    if (Object.keys(vendor).length > 0) job.vendor = { compose: vendor };
    jobs[id] = job;
  }

  // what nothing used
  for (const d of daemons) {
    if (usedDaemons.has(d.name)) continue;
    const unlinked = (pipelineVendor['x-polyci-unused-services'] ??= {}) as Raw;
    unlinked[d.name] = d.def;
    diagnostics.push(diagnostic('PCI041', 'warning', `${d.role.role === 'proxy' ? 'socket proxy' : 'Docker daemon'} ${d.name} is used by no service; kept in vendor.compose.x-polyci-unused-services`, { ...at(d.source, ['services', d.name]), hint: 'point a service at it with DOCKER_HOST' }));
  }
  const keptVolumes: Raw = {};
  for (const [n, { value, source }] of declaredVolumes) {
    const plain = value === null || (isObject(value) && Object.keys(value).length === 0);
    // volumes polyci's strategies make again (certificates, daemon data) need no keeping
    if (consumedVolumes.has(n) && !usedVolumes.has(n) && plain) continue;
    keptVolumes[n] = value ?? {};
    if (!plain) diagnostics.push(diagnostic('PCI042', 'info', `volume ${n} has options with no IR meaning; kept in vendor.compose.volumes`, { ...at(source, ['volumes', n]) }));
    else if (!usedVolumes.has(n)) diagnostics.push(diagnostic('PCI042', 'info', `volume ${n} is used by no kept mount; kept in vendor.compose.volumes`, { ...at(source, ['volumes', n]) }));
  }
  if (Object.keys(keptVolumes).length > 0) pipelineVendor.volumes = keptVolumes;
  const keptNetworks: Raw = {};
  for (const [n, { value, source }] of declaredNetworks) {
    if (value === null || (isObject(value) && Object.keys(value).length === 0)) continue;
    keptNetworks[n] = value;
    diagnostics.push(diagnostic('PCI042', 'info', `network ${n} has options with no IR meaning; kept in vendor.compose.networks`, { ...at(source, ['networks', n]), hint: 'polyci gives each job a private network of its own' }));
  }
  if (Object.keys(keptNetworks).length > 0) pipelineVendor.networks = keptNetworks;

  const pipeline: Pipeline = {
    name: (pipelineName ?? fallbackName).slice(0, 200) || 'compose',
    env: pipelineEnv,
    triggers: { push: {} },
    policy: {},
    jobs,
    ...(Object.keys(pipelineVendor).length > 0 ? { vendor: { compose: pipelineVendor } } : {}),
  };
  if (Object.keys(jobs).length === 0) {
    diagnostics.push(diagnostic('PCI041', 'error', 'no service of this file runs anything polyci can make a job of', { file: sources[0].file }));
    return { pipeline, diagnostics, positions };
  }
  const checked = PipelineSchema.safeParse(pipeline);
  if (!checked.success) {
    for (const issue of checked.error.issues.slice(0, 10)) {
      diagnostics.push(diagnostic('PCI041', 'error', `the imported pipeline is not valid at ${formatPath(issue.path)}: ${issue.message}`, { file: sources[0].file, path: formatPath(issue.path) }));
    }
    return { pipeline, diagnostics, positions };
  }
  return { pipeline: checked.data, diagnostics, positions };
}

function daemonStrategy(
  client: ServiceEntry,
  daemon: ServiceEntry,
  vendor: Raw,
  volumes: { used: Set<string>; consumed: Set<string> },
  diagnostics: Diagnostic[],
  at: (source: ComposeSource, path: Segment[]) => { file: string; line?: number; column?: number },
  clientPort: number | undefined,
): ConcreteStrategy {
  const where = (path: Segment[]) => at(daemon.source, ['services', daemon.name, ...path]);
  const env = Object.fromEntries(daemon.env);
  const consumed = new Set(['image', 'environment', 'volumes', 'networks', 'healthcheck', 'privileged', 'command', 'cpus', 'mem_limit', 'profiles']);
  const otherEnv: Raw = {};
  let strategy: ConcreteStrategy;
  const role = daemon.role;
  if (role.role === 'proxy') {
    const allow = new Set<string>(['EVENTS', 'PING', 'VERSION']);
    for (const [k, v] of daemon.env) {
      if ((socketProxySections as readonly string[]).includes(k)) {
        if (v === '1' || v === 'true') allow.add(k);
        else allow.delete(k);
      } else otherEnv[k] = v;
    }
    const mount = daemon.volumes.find((v) => v && v.target === proxySocketPath);
    const path = mount?.source && /^\/[^\s:]*$/.test(mount.source) ? mount.source : '/var/run/docker.sock';
    strategy = { strategy: 'socket-proxy', allow: socketProxySections.filter((s) => allow.has(s)), path, ...(role.version ? { version: role.version } : {}) };
    const rest = (Array.isArray(daemon.def.volumes) ? daemon.def.volumes : []).filter((_, i) => daemon.volumes[i] !== mount);
    if (rest.length > 0) vendor.volumes = rest;
    if (daemon.def.privileged === true) {
      diagnostics.push(diagnostic('PCI041', 'info', `socket proxy ${daemon.name}: polyci runs the proxy unprivileged with the socket read-only (privileged only matters on SELinux hosts)`, { ...where(['privileged']) }));
    }
    if (daemon.def.command !== undefined) vendor.command = daemon.def.command;
  } else {
    const rootless = role.role === 'dind' ? role.rootless : false;
    const certDir = env.DOCKER_TLS_CERTDIR;
    let tls = certDir === undefined ? clientPort !== 2375 : certDir !== null && certDir !== '';
    if (clientPort !== undefined && clientPort !== (tls ? 2376 : 2375)) {
      diagnostics.push(diagnostic('PCI041', 'warning', `${client.name} reaches ${daemon.name} on port ${clientPort}, but the daemon ${tls ? 'serves TLS on 2376' : 'listens without TLS on 2375'}`, { ...at(client.source, ['services', client.name, 'environment']), hint: tls ? 'use tcp://...:2376 with DOCKER_TLS_VERIFY=1' : 'use tcp://...:2375' }));
      if (certDir === undefined) tls = clientPort === 2376;
    }
    const shape = { strategy: rootless ? 'dind-rootless' : 'dind', tls } as ConcreteStrategy & { strategy: 'dind' | 'dind-rootless' };
    const dataDir = daemonDataDir({ ...shape, cacheVolume: false });
    let cacheVolume = false;
    const rest: unknown[] = [];
    (Array.isArray(daemon.def.volumes) ? daemon.def.volumes : []).forEach((raw, i) => {
      const v = daemon.volumes[i];
      if (v && /^\/certs(\/(ca|client|server))?\/?$/.test(v.target)) {
        if (v.source) volumes.consumed.add(v.source);
        return;
      }
      if (v && (v.target === dataDir || v.target === '/var/lib/docker') && v.source) {
        cacheVolume = true;
        if (v.type === 'volume') volumes.consumed.add(v.source);
        return;
      }
      rest.push(raw);
      if (v?.type === 'volume' && v.source) volumes.used.add(v.source);
    });
    if (rest.length > 0) vendor.volumes = rest;
    for (const [k, v] of daemon.env) if (k !== 'DOCKER_TLS_CERTDIR') otherEnv[k] = v;
    const args = argvOf(daemon.def.command);
    const expectedArgs = tls ? [] : ['--tls=false'];
    if (daemon.def.command !== undefined && JSON.stringify(args) !== JSON.stringify(expectedArgs)) vendor.command = daemon.def.command;
    if (daemon.def.privileged !== true) {
      diagnostics.push(diagnostic('PCI041', 'info', `Docker daemon ${daemon.name} is not privileged in this file; dockerd needs it, and polyci's output runs it privileged`, { ...where([]) }));
    }
    const cpu = daemon.def.cpus !== undefined ? cpuQuantityOf(daemon.def.cpus) : undefined;
    const memory = daemon.def.mem_limit !== undefined ? memoryQuantityOf(daemon.def.mem_limit) : undefined;
    const version = role.role === 'dind' ? role.version : undefined;
    const image = String(daemon.def.image ?? '');
    if (role.role === 'dind' && version === undefined && !image.includes(`${defaultVersions.docker}-dind`)) {
      diagnostics.push(diagnostic('PCI041', 'info', `${daemon.name}: ${image || 'the daemon image'} names no Docker version; the job is pinned to docker:${defaultVersions.docker}`, { ...where(['image']), hint: 'set docker.version to choose another' }));
    }
    strategy = { ...shape, cacheVolume, ...(version ? { version } : {}), ...(cpu || memory ? { resources: { ...(cpu ? { cpu } : {}), ...(memory ? { memory } : {}) } } : {}) } as ConcreteStrategy;
    const hc = daemon.def.healthcheck;
    if (hc !== undefined && JSON.stringify(hc) !== JSON.stringify(daemonHealthcheck) && !(isObject(hc) && JSON.stringify(hc.test) === JSON.stringify(daemonHealthcheck.test))) vendor.healthcheck = hc;
  }
  if (Object.keys(otherEnv).length > 0) vendor.environment = otherEnv;
  for (const [key, value] of Object.entries(daemon.def)) {
    if (consumed.has(key)) continue;
    if (isComposeKey(key, 'service')) vendor[key] = value;
    else diagnostics.push(diagnostic('PCI043', 'warning', `${daemon.name}: \`${key}\` is not a Compose Specification key: docker compose refuses the file; left out`, { ...where([key]) }));
  }
  for (const key of Object.keys(vendor)) {
    diagnostics.push(diagnostic('PCI042', 'info', `${daemon.name}: \`${key}\` has no IR meaning; kept in vendor.compose.x-polyci-daemon`, { ...where([key]), hint: 'compiling to compose writes them back on the daemon service; the other targets ignore them' }));
  }
  return strategy;
}

/** A service container back to an IR service; the keys it cannot say are returned. */
function irService(
  entry: ServiceEntry,
  jobId: string,
  diagnostics: Diagnostic[],
  at: (source: ComposeSource, path: Segment[]) => { file: string; line?: number; column?: number },
  job: Job,
): { service?: Service; rest: Raw } {
  const where = (path: Segment[]) => at(entry.source, ['services', entry.name, ...path]);
  const rest: Raw = {};
  const image = typeof entry.def.image === 'string' ? entry.def.image : undefined;
  if (!image) {
    diagnostics.push(diagnostic('PCI041', 'warning', `service container ${entry.name} has no image; left out`, { ...where([]) }));
    return { rest: { ...entry.def } };
  }
  const aliases = Object.values(entry.networks).flat();
  const prefix = `${jobId}.`;
  const aliasSource = entry.name.startsWith(prefix) && aliases.length === 1 ? aliases[0] : entry.name;
  const alias = aliasSource.replace(/[^A-Za-z0-9_-]/g, '_').replace(/^([^A-Za-z_])/, '_$1').slice(0, 63);
  const service: Service = { alias, image: unliteral(image) };
  const envEntries = entry.env;
  if (envEntries.length > 0) {
    const imported = importEnvironment(envEntries, (name) => where(['environment', name]), `service container ${entry.name}`);
    diagnostics.push(...imported.diagnostics);
    if (Object.keys(imported.env).length > 0) service.env = imported.env;
    for (const s of imported.secrets) if (!job.secrets.includes(s)) job.secrets.push(s);
  }
  if (entry.def.command !== undefined) {
    const argv = argvOf(entry.def.command);
    if (argv) service.command = argv.map(unliteral);
    else rest.command = entry.def.command;
  }
  const ports: number[] = [];
  for (const key of ['expose', 'ports'] as const) {
    const list = entry.def[key];
    if (!Array.isArray(list)) continue;
    for (const item of list) {
      const m = /^(?:.*:)?([0-9]{1,5})(?:\/tcp)?$/.exec(String(isObject(item) ? item.target : item));
      if (m && Number(m[1]) >= 1 && Number(m[1]) <= 65535) ports.push(Number(m[1]));
      else (rest[key] ??= [] as unknown[]) && (rest[key] as unknown[]).push(item);
    }
    if (key === 'ports') {
      diagnostics.push(diagnostic('PCI041', 'info', `service container ${entry.name} publishes ports on the host; the IR keeps only the container ports`, { ...where(['ports']) }));
    }
  }
  if (ports.length > 0) service.ports = [...new Set(ports)];
  for (const [key, value] of Object.entries(entry.def)) {
    if (['image', 'environment', 'command', 'expose', 'ports', 'networks', 'depends_on', 'profiles'].includes(key)) continue;
    if (!isComposeKey(key, 'service')) {
      diagnostics.push(diagnostic('PCI043', 'warning', `service container ${entry.name}: \`${key}\` is not a Compose Specification key: docker compose refuses the file; left out`, { ...where([key]) }));
      continue;
    }
    rest[key] = value;
    diagnostics.push(diagnostic('PCI042', 'info', `service container ${entry.name}: \`${key}\` has no IR meaning; kept in vendor.compose.x-polyci-services`, { ...where([key]), hint: 'compiling to compose writes it back on the service container; the other targets ignore it' }));
  }
  return { service, rest };
}
