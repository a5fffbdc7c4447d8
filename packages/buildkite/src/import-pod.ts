/**
 * The kubernetes plugin of a step back into IR: which daemon strategy its sidecars
 * and containers spell, the job image, env, resources, services and checkout, and
 * what is left for vendor.buildkite.kubernetes. polyci's own scaffolding (cert and
 * socket volumes, security contexts, the AppArmor annotation) is recognised and dropped.
 */
import {
  builderEnv,
  defaultVersions,
  dindClientCertDir,
  socketProxySections,
  strategyImages,
  type ConcreteStrategy,
  type Resources,
  type Service,
} from '@polyci/core';
import { unescapeInterpolation } from './interpolation';
import { kubernetesPluginKeys, unescapeKubernetesExpansion } from './kubernetes';
import { K8sContainerSchema, KubernetesPluginSchema, type K8sContainerInput, type K8sVolumeInput } from './model/kubernetes';
import { commandContainerName, defaultDaemonResources } from './strategy';

/** A finding on a key path inside the plugin (the caller turns it into file:line). */
export interface PodFinding {
  code: 'PCI041' | 'PCI042' | 'PCI043';
  severity: 'warning' | 'info';
  message: string;
  at: (string | number)[];
  hint?: string;
}

export interface ImportedPod {
  strategy?: ConcreteStrategy;
  image?: string;
  /** Env of the command container beyond the strategy's own (values as the shell sees them). */
  env: Record<string, string>;
  /** Where each env entry sits, for credential findings. */
  envAt: Record<string, (string | number)[]>;
  resources?: Resources;
  services: Service[];
  /** Where each service's sidecar sits. */
  serviceAt: (string | number)[][];
  /** skip: no checkout; otherwise checkout options. */
  checkout: { skip: boolean; depth?: number; submodules?: boolean };
  gitCredentialsSecret?: string;
  /** A command set on the container itself (agent-stack-k8s joins command and args with spaces). */
  containerCommand?: string;
  /** Job secrets read as secretKeyRef env (the key named as the variable), with the Kubernetes Secret holding them. */
  secretRefs: { name: string; secret: string }[];
  /** Plugin keys with no IR meaning, for vendor.buildkite.kubernetes. */
  vendor: Record<string, unknown>;
  findings: PodFinding[];
}

function imageParts(image: string): { repository: string; tag?: string } {
  const noDigest = image.split('@')[0];
  const slash = noDigest.lastIndexOf('/');
  const colon = noDigest.lastIndexOf(':');
  return colon > slash ? { repository: noDigest.slice(0, colon), tag: noDigest.slice(colon + 1) } : { repository: noDigest };
}

const dockerRepository = /^(?:(?:docker\.io|index\.docker\.io)\/)?(?:library\/)?docker$/;
const pinnedVersion = /^[A-Za-z0-9][A-Za-z0-9._-]{0,127}$/;

/** `valueFrom.secretKeyRef` whose key is the variable's own name: how polyci spells a job secret from Kubernetes. */
function secretRef(e: unknown): { name: string; secret: string } | undefined {
  const env = e as { name?: unknown; value?: unknown; valueFrom?: { secretKeyRef?: { name?: unknown; key?: unknown } } };
  const ref = env?.valueFrom?.secretKeyRef;
  if (env?.value !== undefined || !ref || Object.keys(env.valueFrom!).length !== 1 || Object.keys(ref).some((k) => k !== 'name' && k !== 'key')) return undefined;
  return typeof env.name === 'string' && ref.key === env.name && typeof ref.name === 'string' ? { name: env.name, secret: ref.name } : undefined;
}

function envOf(c: K8sContainerInput): Record<string, string> {
  const out: Record<string, string> = {};
  for (const e of c.env ?? []) if (typeof e.value === 'string') out[e.name] = unescapeKubernetesExpansion(unescapeInterpolation(e.value));
  return out;
}

function resourcesOf(c: K8sContainerInput): Resources | undefined {
  const q = (c.resources?.limits ?? c.resources?.requests) as Record<string, unknown> | undefined;
  if (!q) return undefined;
  const r: Resources = {};
  if (q.cpu !== undefined) r.cpu = String(q.cpu);
  if (q.memory !== undefined) r.memory = String(q.memory);
  return Object.keys(r).length > 0 ? r : undefined;
}

function isDefaultDaemonResources(r: K8sContainerInput['resources']): boolean {
  const same = (a: Record<string, unknown> | undefined, b: Record<string, string>) => Boolean(a) && Object.keys(a!).length === Object.keys(b).length && Object.entries(b).every(([k, v]) => String(a![k]) === v);
  return Boolean(r) && same(r!.limits, defaultDaemonResources.limits) && same(r!.requests, defaultDaemonResources.requests);
}

/** A version tag, unless it is the one polyci pins by default (then the IR leaves it out). */
function versionUnlessDefault(tag: string | undefined, pinned: string): string | undefined {
  return tag && tag !== 'latest' && pinnedVersion.test(tag) && tag !== pinned ? tag : undefined;
}

/** The version of a docker:<v>-dind[-rootless] tag, when it names one. */
function dindVersion(tag: string): string | undefined {
  const v = tag.replace(/-?dind(-rootless)?$/, '');
  return v && pinnedVersion.test(v) && v !== 'latest' ? v : undefined;
}

/** Which builder image a container runs, if any. */
function builderOf(image: string): ConcreteStrategy | undefined {
  const { repository, tag } = imageParts(image);
  const v = (pinned: string) => {
    const version = versionUnlessDefault(tag, pinned);
    return version ? { version } : {};
  };
  if (/(^|\/)kaniko-project\/executor$|(^|\/)kaniko$/.test(repository)) return { strategy: 'kaniko', ...v(defaultVersions.kaniko) };
  if (/(^|\/)buildah(\/stable|\/buildah)?$/.test(repository)) return { strategy: 'buildah', ...v(defaultVersions.buildah) };
  if (/(^|\/)moby\/buildkit$/.test(repository)) return { strategy: 'buildkit', ...v(defaultVersions.buildkit) };
  return undefined;
}

/** Read a kubernetes plugin config. `at` is its key path in the file. */
export function importKubernetesPlugin(config: unknown, at: (string | number)[]): ImportedPod {
  const pod: ImportedPod = { env: {}, envAt: {}, services: [], serviceAt: [], secretRefs: [], checkout: { skip: false }, vendor: {}, findings: [] };
  const find = (f: Omit<PodFinding, 'at'>, ...path: (string | number)[]) => pod.findings.push({ ...f, at: [...at, ...path] });
  if (config === null || config === undefined) return pod;
  const parsed = KubernetesPluginSchema.safeParse(config);
  if (!parsed.success) {
    find({ code: 'PCI041', severity: 'warning', message: `the kubernetes plugin config is not what agent-stack-k8s decodes (${parsed.error.issues[0]?.message}); kept as it is in vendor.buildkite` });
    pod.vendor = config as Record<string, unknown>;
    return pod;
  }
  const plugin = parsed.data;
  const known = new Set<string>(kubernetesPluginKeys);
  for (const key of Object.keys(plugin)) {
    if (known.has(key)) continue;
    find(
      key === 'mirrorVolumeMounts'
        ? { code: 'PCI043', severity: 'warning', message: 'agent-stack-k8s ignores this key (it is an Argo Workflows field); use extraVolumeMounts', hint: 'polyci shares volumes through podSpec.volumes + extraVolumeMounts, which agent-stack-k8s adds to every container and sidecar' }
        : { code: 'PCI043', severity: 'warning', message: `agent-stack-k8s ignores the kubernetes plugin key "${key}" (it decodes only ${kubernetesPluginKeys.join(', ')})`, hint: 'remove it; it has no effect' },
      key,
    );
  }
  const vendor = pod.vendor;
  const volumes = plugin.podSpec?.volumes ?? [];
  const volume = (name: string): K8sVolumeInput | undefined => volumes.find((v) => v.name === name);
  const usedVolumes = new Set<string>();
  const isSocketVolume = (name: string) => Boolean(volume(name)?.hostPath?.path.endsWith('.sock'));

  // Sidecars: the daemon or proxy, and services.
  let daemon: ConcreteStrategy | undefined;
  (plugin.sidecars ?? []).forEach((sidecar, i) => {
    const image = sidecar.image ?? '';
    const { repository, tag = 'latest' } = imageParts(image);
    const env = envOf(sidecar);
    if (!daemon && dockerRepository.test(repository) && tag.includes('dind')) {
      const tls = env.DOCKER_TLS_CERTDIR === undefined ? !(sidecar.args ?? []).includes('--tls=false') : env.DOCKER_TLS_CERTDIR !== '';
      const dataDirs = ['/var/lib/docker', '/home/rootless/.local/share/docker', '/var/lib/docker/'];
      const cacheVolume = (sidecar.volumeMounts ?? []).some((m) => dataDirs.includes(m.mountPath));
      for (const m of sidecar.volumeMounts ?? []) usedVolumes.add(m.name);
      const resources = resourcesOf(sidecar);
      const version = dindVersion(tag);
      const irVersion = version === defaultVersions.docker ? undefined : version;
      const dind: ConcreteStrategy = {
        strategy: tag.includes('rootless') ? 'dind-rootless' : 'dind',
        tls,
        cacheVolume,
        ...(irVersion ? { version: irVersion } : {}),
        ...(resources && !isDefaultDaemonResources(sidecar.resources) ? { resources } : {}),
      };
      daemon = dind;
      if (!version) find({ code: 'PCI042', severity: 'info', message: `${image} names no Docker version: polyci pins ${strategyImages(dind).daemon}`, hint: 'set docker.version to choose another' }, 'sidecars', i, 'image');
      return;
    }
    if (!daemon && /(^|\/)docker-socket-proxy$/.test(repository)) {
      const allow = socketProxySections.filter((s) => env[s] === '1' || env[s] === 'true');
      const socketMount = (sidecar.volumeMounts ?? []).find((m) => isSocketVolume(m.name));
      for (const m of sidecar.volumeMounts ?? []) usedVolumes.add(m.name);
      const path = socketMount ? volume(socketMount.name)!.hostPath!.path : '/var/run/docker.sock';
      const version = versionUnlessDefault(tag, defaultVersions.socketProxy);
      daemon = { strategy: 'socket-proxy', allow: [...allow], path, ...(version ? { version } : {}) };
      return;
    }
    // Any other sidecar is a service beside the job.
    const alias = sidecar.name && /^[A-Za-z_][A-Za-z0-9_-]{0,62}$/.test(sidecar.name) ? sidecar.name : `service${i + 1}`;
    const service: Service = { alias, image };
    const command = [...(sidecar.command ?? []), ...(sidecar.args ?? [])].map((a) => unescapeKubernetesExpansion(unescapeInterpolation(a)));
    if (sidecar.command) find({ code: 'PCI042', severity: 'info', message: 'a service has no entrypoint in the IR: the sidecar command becomes the first words of its command' }, 'sidecars', i, 'command');
    if (command.length > 0) service.command = command;
    if (Object.keys(env).length > 0) service.env = env;
    if (sidecar.ports) service.ports = sidecar.ports.map((p) => p.containerPort);
    const extra = Object.keys(sidecar).filter((k) => !['name', 'image', 'command', 'args', 'env', 'ports', 'securityContext', 'resources'].includes(k));
    if (extra.length > 0) find({ code: 'PCI041', severity: 'warning', message: `sidecar fields ${extra.join(', ')} have no place in an IR service and are not carried`, hint: 'add them back in vendor.buildkite.kubernetes after migrating' }, 'sidecars', i);
    pod.services.push(service);
    pod.serviceAt.push([...at, 'sidecars', i, 'env']);
  });

  // The command container: a builder, the docker client, or the job image.
  const containers = plugin.podSpec?.containers ?? [];
  const container = containers[0];
  let strategy: ConcreteStrategy | undefined = daemon;
  // The host socket mounted into the job (in its container, or everywhere) with no daemon beside it.
  const socketMount = daemon ? undefined : [...(container?.volumeMounts ?? []), ...(plugin.extraVolumeMounts ?? [])].find((m) => isSocketVolume(m.name));
  if (socketMount) strategy = { strategy: 'socket', path: volume(socketMount.name)!.hostPath!.path };
  if (container) {
    const builder = container.image ? builderOf(container.image) : undefined;
    if (builder && (!strategy || strategy.strategy === 'socket')) strategy = builder;
    let env = envOf(container);
    const scaffolding: Record<string, string> = {};
    if (strategy && strategy === builder) {
      Object.assign(scaffolding, builderEnv(strategy));
      if (strategy.strategy === 'kaniko') scaffolding.BUILDKITE_SHELL = '/busybox/sh -e -c';
      const resources = resourcesOf(container);
      if (resources) (strategy as { resources?: Resources }).resources = resources;
    } else {
      pod.resources = resourcesOf(container);
      const client = strategy ? strategyImages(strategy).client : undefined;
      if (container.image && container.image !== client) pod.image = container.image;
    }
    const daemonEnvNames = ['DOCKER_HOST', 'DOCKER_TLS_VERIFY', 'DOCKER_CERT_PATH'];
    env = Object.fromEntries(
      Object.entries(env).filter(([k, v]) => !(scaffolding[k] === v || (daemon && daemonEnvNames.includes(k)))),
    );
    pod.env = env;
    (container.env ?? []).forEach((e, j) => (pod.envAt[e.name] = [...at, 'podSpec', 'containers', 0, 'env', j]));
    if (container.command || container.args) {
      const words = [...(container.command ?? []), ...(container.args ?? [])].map((w) => unescapeKubernetesExpansion(unescapeInterpolation(w)));
      if (words.length === 3 && /^(\/bin\/)?(ba)?sh$/.test(words[0]) && words[1] === '-c') {
        pod.containerCommand = words[2];
        find(
          { code: 'PCI043', severity: 'warning', message: 'agent-stack-k8s joins a container\'s command and args with spaces and runs the result in a shell, so `sh -c <script>` runs only the first word of the script; imported as the script itself', hint: 'put the script in the step command (polyci does)' },
          'podSpec', 'containers', 0, 'args',
        );
      } else pod.containerCommand = words.join(' ');
    }
    // Mounts: the host socket, the strategy's own volumes, and the daemon's shared /var/run.
    const leftoverMounts = (container.volumeMounts ?? []).filter((m) => {
      if (isSocketVolume(m.name) && !daemon) return !usedVolumes.add(m.name);
      if (m.name === 'buildkit-state' && strategy?.strategy === 'buildkit') return !usedVolumes.add(m.name);
      if (daemon && volume(m.name)?.emptyDir !== undefined && /^\/var\/run\/?$|^\/certs/.test(m.mountPath)) return !usedVolumes.add(m.name);
      return true;
    });
    const leftover: Record<string, unknown> = {};
    for (const [k, v] of Object.entries(container)) {
      if (['image', 'env', 'resources', 'securityContext', 'command', 'args', 'name'].includes(k)) continue;
      if (k === 'volumeMounts') {
        if (leftoverMounts.length > 0) leftover.volumeMounts = leftoverMounts;
      } else leftover[k] = v;
    }
    for (const e of container.env ?? []) {
      const ref = secretRef(e);
      if (ref) pod.secretRefs.push(ref);
    }
    const envFrom = (container.env ?? []).filter((e) => typeof e.value !== 'string' && !secretRef(e));
    if (envFrom.length > 0) leftover.env = envFrom;
    if (Object.keys(leftover).length > 0) {
      vendor.podSpecPatch = { containers: [{ name: commandContainerName, ...leftover }] };
      find({ code: 'PCI042', severity: 'info', message: `container fields ${Object.keys(leftover).join(', ')} kept in vendor.buildkite.kubernetes.podSpecPatch` }, 'podSpec', 'containers', 0);
    }
    if (containers.length > 1) {
      vendor.podSpec = { containers: containers.slice(1) };
      find({ code: 'PCI041', severity: 'warning', message: 'agent-stack-k8s runs every podSpec container as a command container; polyci writes one: the others are kept in vendor.buildkite.kubernetes' }, 'podSpec', 'containers', 1);
    }
  }

  // Volumes polyci writes for the daemon: the client certs, shared through extraVolumeMounts.
  const extraMounts = (plugin.extraVolumeMounts ?? []).filter((m) => {
    if (daemon && volume(m.name)?.emptyDir !== undefined && (m.mountPath === dindClientCertDir || /^\/var\/run\/?$|^\/certs/.test(m.mountPath))) return !usedVolumes.add(m.name);
    if (isSocketVolume(m.name) && !daemon) return !usedVolumes.add(m.name);
    return true;
  });
  if (extraMounts.length > 0) vendor.extraVolumeMounts = extraMounts;
  const otherVolumes = volumes.filter((v) => !usedVolumes.has(v.name));
  const podSpecRest: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(plugin.podSpec ?? {})) {
    if (k === 'containers' || k === 'volumes') continue;
    if (k === 'hostAliases' && Array.isArray(v) && v.every((h) => h?.ip === '127.0.0.1' && (h.hostnames ?? []).every((n: string) => pod.services.some((s) => s.alias.toLowerCase() === n)))) continue;
    podSpecRest[k] = v;
  }
  if (otherVolumes.length > 0) podSpecRest.volumes = otherVolumes;
  if (Object.keys(podSpecRest).length > 0) vendor.podSpec = { ...podSpecRest, ...((vendor.podSpec as object | undefined) ?? {}) };

  // podSpecPatch: polyci patches the default container's resources and the service host aliases.
  if (plugin.podSpecPatch) {
    const patch = { ...plugin.podSpecPatch } as Record<string, unknown>;
    const patched = Array.isArray(patch.containers) ? (patch.containers as Record<string, unknown>[]) : undefined;
    const env = patched?.[0]?.env;
    const secretEnv = Array.isArray(env) && env.every((e) => secretRef(e) !== undefined);
    if (patched && patched.length === 1 && patched[0].name === commandContainerName && Object.keys(patched[0]).every((k) => k === 'name' || k === 'resources' || (k === 'env' && secretEnv))) {
      if (secretEnv) for (const e of env as unknown[]) pod.secretRefs.push(secretRef(e)!);
      const c = K8sContainerSchema.safeParse({ ...patched[0], env: undefined });
      if (c.success && !strategy?.strategy.match(/kaniko|buildah|buildkit/)) pod.resources = resourcesOf(c.data);
      delete patch.containers;
    }
    if (Array.isArray(patch.hostAliases) && patch.hostAliases.every((h: any) => h?.ip === '127.0.0.1')) delete patch.hostAliases;
    if (Object.keys(patch).length > 0) {
      vendor.podSpecPatch = { ...patch, ...((vendor.podSpecPatch as object | undefined) ?? {}) };
      find({ code: 'PCI042', severity: 'info', message: `podSpecPatch ${Object.keys(patch).join(', ')} kept in vendor.buildkite.kubernetes` }, 'podSpecPatch');
    }
  }

  // Checkout and its credentials.
  const checkout = { ...(plugin.checkout ?? {}) };
  if (checkout.skip === true) {
    pod.checkout.skip = true;
    delete checkout.skip;
  }
  const depth = /^-v --depth=(\d+)$/.exec(String(checkout.cloneFlags ?? ''));
  if (depth && (checkout.fetchFlags === undefined || checkout.fetchFlags === `-v --prune --depth=${depth[1]}`)) {
    pod.checkout.depth = Number(depth[1]);
    delete checkout.cloneFlags;
    delete checkout.fetchFlags;
  }
  if (typeof checkout.noSubmodules === 'boolean') {
    pod.checkout.submodules = !checkout.noSubmodules;
    delete checkout.noSubmodules;
  }
  if (Object.keys(checkout).length > 0) vendor.checkout = checkout;
  const git = plugin.gitEnvFrom;
  const ref = git?.length === 1 ? (git[0] as { secretRef?: { name?: unknown } }).secretRef : undefined;
  if (ref && typeof ref.name === 'string' && Object.keys(git![0]).length === 1 && Object.keys(ref).length === 1) pod.gitCredentialsSecret = ref.name;
  else if (git) vendor.gitEnvFrom = git;

  // Metadata: the AppArmor annotation of rootless BuildKit is polyci's.
  if (plugin.metadata) {
    const annotations = { ...(plugin.metadata.annotations ?? {}) };
    if (strategy?.strategy === 'buildkit') delete annotations[`container.apparmor.security.beta.kubernetes.io/${commandContainerName}`];
    const metadata: Record<string, unknown> = { ...plugin.metadata };
    if (Object.keys(annotations).length > 0) metadata.annotations = annotations;
    else delete metadata.annotations;
    if (Object.keys(metadata).length > 0) vendor.metadata = metadata;
  }
  for (const key of ['podTemplate', 'commandParams', 'sidecarParams', 'jobActiveDeadlineSeconds'] as const) {
    if (plugin[key] !== undefined) {
      vendor[key] = plugin[key];
      find({ code: 'PCI042', severity: 'info', message: `kubernetes plugin key ${key} has no IR meaning: kept in vendor.buildkite.kubernetes` }, key);
    }
  }
  for (const key of Object.keys(vendor)) {
    if (['podSpecPatch', 'podSpec', 'podTemplate', 'commandParams', 'sidecarParams', 'jobActiveDeadlineSeconds'].includes(key)) continue;
    find({ code: 'PCI042', severity: 'info', message: `kubernetes plugin ${key} entries with no IR meaning are kept in vendor.buildkite.kubernetes` }, key);
  }
  if (Object.keys(podSpecRest).length > 0) find({ code: 'PCI042', severity: 'info', message: `podSpec ${Object.keys(podSpecRest).join(', ')} kept in vendor.buildkite.kubernetes` }, 'podSpec');
  pod.strategy = strategy;
  return pod;
}
