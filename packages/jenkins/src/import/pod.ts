/**
 * The pod template of `agent { kubernetes { yaml ... } }`: which container is the Docker
 * daemon (dind, rootless dind), a socket proxy, a daemonless builder, the job's own
 * container, or a service; and from that the job's daemon strategy.
 * https://plugins.jenkins.io/kubernetes/#plugin-content-declarative-pipeline
 * https://kubernetes.io/docs/reference/kubernetes-api/workload-resources/pod-v1/
 */
import { daemonDataDir, dindCertDir, socketProxySections, type ConcreteStrategy, type Resources } from '@polyci/core';
import { imageFacts, type ImageRole } from './images';

export interface PodContainer {
  name: string;
  image: string;
  role: ImageRole;
  env: Record<string, string>;
  /** Env entries that are not literal values (valueFrom ...). */
  envFrom: string[];
  command?: string[];
  args?: string[];
  ports: number[];
  resources?: Resources;
  privileged: boolean;
  mounts: { volume: string; path: string }[];
  /** Waits for steps (`cat` with a tty, `sleep infinity`) instead of running a program of its own. */
  idle: boolean;
}

export interface PodFacts {
  containers: PodContainer[];
  strategy?: ConcreteStrategy;
  /** The container that is the strategy's daemon, proxy or builder. */
  strategyContainer?: string;
  /** Hostnames of `hostAliases` to 127.0.0.1: how services answer to their aliases in a pod. */
  localAliases: string[];
  /** Pod keys with no IR meaning, kept under vendor.jenkins. */
  extra: Record<string, unknown>;
  problems: string[];
  /** What Kubernetes or the plugin rejects or ignores. */
  ignored: string[];
}

type Obj = Record<string, unknown>;
const isObj = (v: unknown): v is Obj => typeof v === 'object' && v !== null && !Array.isArray(v);
const strings = (v: unknown): string[] | undefined => (Array.isArray(v) && v.every((x) => typeof x === 'string' || typeof x === 'number') ? v.map(String) : undefined);

function resourcesOf(v: unknown): Resources | undefined {
  if (!isObj(v)) return undefined;
  const pick = (isObj(v.limits) ? v.limits : undefined) ?? (isObj(v.requests) ? v.requests : undefined);
  if (!pick) return undefined;
  const r: Resources = {};
  if (pick.cpu !== undefined) r.cpu = String(pick.cpu);
  if (pick.memory !== undefined) r.memory = String(pick.memory);
  return Object.keys(r).length > 0 ? r : undefined;
}

function containerOf(c: Obj, index: number): PodContainer {
  const image = typeof c.image === 'string' ? c.image : '';
  const env: Record<string, string> = {};
  const envFrom: string[] = [];
  if (Array.isArray(c.env)) {
    for (const e of c.env) {
      if (!isObj(e) || typeof e.name !== 'string') continue;
      if (e.value === undefined && e.valueFrom !== undefined) envFrom.push(e.name);
      else env[e.name] = e.value === undefined || e.value === null ? '' : String(e.value);
    }
  }
  const security = isObj(c.securityContext) ? c.securityContext : {};
  const ports = Array.isArray(c.ports) ? c.ports.flatMap((p) => (isObj(p) && typeof p.containerPort === 'number' ? [p.containerPort] : [])) : [];
  const mounts = Array.isArray(c.volumeMounts) ? c.volumeMounts.flatMap((m) => (isObj(m) && typeof m.name === 'string' && typeof m.mountPath === 'string' ? [{ volume: m.name, path: m.mountPath }] : [])) : [];
  const name = typeof c.name === 'string' ? c.name : `container-${index}`;
  const run = [...(strings(c.command) ?? []), ...(strings(c.args) ?? [])].join(' ');
  const idle = /^(\/busybox\/)?cat$|^(\/bin\/)?sleep (infinity|\d{4,})$|^(\/bin\/)?(sh|bash) -c '?(sleep|tail -f)/.test(run);
  return {
    idle,
    name,
    image,
    role: name === 'jnlp' ? 'jnlp' : imageFacts(image).role,
    env,
    envFrom,
    command: strings(c.command),
    args: strings(c.args),
    ports,
    resources: resourcesOf(c.resources),
    privileged: security.privileged === true,
    mounts,
  };
}

const knownSpecKeys = new Set(['containers', 'volumes', 'hostAliases']);

/** Read a pod (or a bare pod spec) as parsed YAML. */
export function analysePod(value: unknown): PodFacts {
  const facts: PodFacts = { containers: [], localAliases: [], extra: {}, problems: [], ignored: [] };
  if (!isObj(value)) {
    facts.problems.push('the pod YAML is not a mapping');
    return facts;
  }
  const spec = isObj(value.spec) ? value.spec : value.containers ? value : undefined;
  if (!spec) {
    facts.problems.push('the pod YAML has no spec');
    return facts;
  }
  for (const [k, v] of Object.entries(value)) if (k !== 'spec' && k !== 'apiVersion' && k !== 'kind' && k !== 'metadata' && spec !== value) facts.extra[k] = v;
  const metadata = isObj(value.metadata) ? { ...value.metadata } : undefined;
  for (const [k, v] of Object.entries(spec)) if (!knownSpecKeys.has(k)) facts.extra[`spec.${k}`] = v;
  const volumes = new Map<string, Obj>();
  if (Array.isArray(spec.volumes)) for (const v of spec.volumes) if (isObj(v) && typeof v.name === 'string') volumes.set(v.name, v);
  if (Array.isArray(spec.hostAliases)) {
    for (const a of spec.hostAliases) if (isObj(a) && a.ip === '127.0.0.1') facts.localAliases.push(...(strings(a.hostnames) ?? []));
  }
  facts.containers = (Array.isArray(spec.containers) ? spec.containers : []).filter(isObj).map(containerOf);
  for (const c of facts.containers) {
    for (const m of c.mounts) if (!volumes.has(m.volume)) facts.ignored.push(`container "${c.name}" mounts volume "${m.volume}", which the pod does not declare: Kubernetes rejects the pod`);
  }

  const hostSocket = (c: PodContainer): string | undefined => {
    for (const m of c.mounts) {
      const vol = volumes.get(m.volume);
      const hostPath = vol && isObj(vol.hostPath) && typeof vol.hostPath.path === 'string' ? vol.hostPath.path : undefined;
      if (hostPath && /docker\.sock$/.test(hostPath)) return hostPath;
    }
    return undefined;
  };
  const persistent = (c: PodContainer, path: string | undefined): boolean =>
    c.mounts.some((m) => {
      if (m.path !== path) return false;
      const vol = volumes.get(m.volume);
      return !!vol && (vol.persistentVolumeClaim !== undefined || vol.hostPath !== undefined);
    });

  const daemon = facts.containers.find((c) => c.role === 'dind' || c.role === 'dind-rootless');
  const proxy = facts.containers.find((c) => c.role === 'socket-proxy');
  const builder = facts.containers.find((c) => c.role === 'kaniko' || c.role === 'buildah' || c.role === 'buildkit');
  if (daemon) {
    const version = imageFacts(daemon.image).version;
    const certDir = daemon.env.DOCKER_TLS_CERTDIR;
    const tlsOff = certDir === '' || (daemon.args ?? []).includes('--tls=false') || (daemon.command ?? []).includes('--tls=false');
    const strategyName = daemon.role as 'dind' | 'dind-rootless';
    const probe: ConcreteStrategy = { strategy: strategyName, tls: !tlsOff, cacheVolume: false };
    const s: Extract<ConcreteStrategy, { strategy: 'dind' | 'dind-rootless' }> = { strategy: strategyName, tls: !tlsOff, cacheVolume: persistent(daemon, daemonDataDir(probe)) };
    if (version) s.version = version;
    if (daemon.resources) s.resources = daemon.resources;
    if (certDir !== undefined && certDir !== '' && certDir !== dindCertDir) facts.problems.push(`the daemon writes its certificates to ${certDir}, not ${dindCertDir}`);
    if (!daemon.privileged) facts.problems.push(`the ${daemon.role} container "${daemon.name}" is not privileged: its daemon cannot start on most clusters`);
    if (s.tls) {
      // the client reads the certificates the daemon writes: a volume both mount
      const daemonVolumes = new Set(daemon.mounts.filter((m) => m.path.startsWith(dindCertDir)).map((m) => m.volume));
      for (const c of facts.containers) {
        const certPath = c.env.DOCKER_CERT_PATH;
        if (certPath === undefined || c === daemon) continue;
        if (!c.mounts.some((m) => certPath.startsWith(m.path) && daemonVolumes.has(m.volume))) {
          facts.ignored.push(`container "${c.name}" reads client certificates from ${certPath}, but shares no volume there with the daemon: its TLS connection fails`);
        }
      }
    }
    facts.strategy = s;
    facts.strategyContainer = daemon.name;
  } else if (proxy) {
    const allow = socketProxySections.filter((section) => proxy.env[section] === '1' || (proxy.env[section] === undefined && ['EVENTS', 'PING', 'VERSION'].includes(section)));
    const s: ConcreteStrategy = { strategy: 'socket-proxy', allow: [...allow], path: hostSocket(proxy) ?? '/var/run/docker.sock' };
    const version = imageFacts(proxy.image).version;
    if (version) s.version = version;
    facts.strategy = s;
    facts.strategyContainer = proxy.name;
  } else if (builder) {
    const strategyName = builder.role as 'kaniko' | 'buildah' | 'buildkit';
    const s: Extract<ConcreteStrategy, { strategy: 'kaniko' | 'buildah' | 'buildkit' }> = { strategy: strategyName };
    const version = imageFacts(builder.image).version;
    if (version) s.version = version;
    if (builder.resources) s.resources = builder.resources;
    facts.strategy = s;
    facts.strategyContainer = builder.name;
    // rootless BuildKit's AppArmor profile, as clusters before 1.30 read it: part of the strategy
    const annotations = metadata && isObj(metadata.annotations) ? { ...metadata.annotations } : undefined;
    const key = `container.apparmor.security.beta.kubernetes.io/${builder.name}`;
    if (metadata && annotations && strategyName === 'buildkit' && annotations[key] === 'unconfined') {
      delete annotations[key];
      if (Object.keys(annotations).length > 0) metadata.annotations = annotations;
      else delete metadata.annotations;
    }
  } else {
    const socketUser = facts.containers.find((c) => hostSocket(c) !== undefined);
    if (socketUser) {
      const s: ConcreteStrategy = { strategy: 'socket', path: hostSocket(socketUser)! };
      const version = socketUser.role === 'docker-cli' ? imageFacts(socketUser.image).version : undefined;
      if (version) s.version = version;
      facts.strategy = s;
    }
  }
  if (metadata && Object.keys(metadata).length > 0) facts.extra.metadata = metadata;
  return facts;
}
