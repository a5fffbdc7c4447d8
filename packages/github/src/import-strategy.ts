/**
 * Recognising a job's Docker daemon strategy from GitHub's idiom: a DinD service
 * (privileged, DOCKER_TLS_CERTDIR), a socket-proxy service, the host socket in the
 * job container, or a builder image; and taking polyci's wiring back out.
 */
import {
  builderEnv,
  daemonDataDir,
  defaultVersions,
  dindClientCertDir,
  socketProxySections,
  type ConcreteStrategy,
  type Resources,
} from '@polyci/core';
import { unescapeExpressions } from './expressions';
import type { Container, GithubServiceInput } from './model/job';

export interface DetectedStrategy {
  strategy?: ConcreteStrategy;
  /** The job's own image, when the container is not the strategy's client image. */
  image?: string;
  /** Service ids that belong to the strategy. */
  strategyServices: string[];
  /** Container env names that are the strategy's wiring. */
  wiringEnv: string[];
  /** Something in the container or a strategy service was not understood: keep them as GitHub wrote them. */
  keepContainer: boolean;
  keepServices: boolean;
  notes: string[];
}

/** The tag of an image reference, if any. */
export function imageTag(image: string): string | undefined {
  const last = image.slice(image.lastIndexOf('/') + 1);
  const at = last.indexOf('@');
  const name = at >= 0 ? last.slice(0, at) : last;
  const colon = name.indexOf(':');
  return colon >= 0 ? name.slice(colon + 1) : undefined;
}

function repository(image: string): string {
  const noDigest = image.split('@')[0];
  const slash = noDigest.lastIndexOf('/');
  const colon = noDigest.lastIndexOf(':');
  const repo = colon > slash ? noDigest.slice(0, colon) : noDigest;
  return repo.replace(/^(docker\.io\/)?(library\/)?/, '');
}

const pinnedVersion = /^[A-Za-z0-9][A-Za-z0-9._-]{0,127}$/;

/** A version that differs from polyci's default, or undefined (the default, or not a version). */
function versionOf(tag: string | undefined, fallback: string): string | undefined {
  if (tag === undefined || tag === fallback || !pinnedVersion.test(tag) || tag === 'latest') return undefined;
  return tag;
}

/** `--cpus 1 --memory 2g` back into Kubernetes quantities (millicores, binary units). */
function parseOptions(options: string | undefined, allowed: string[]): { resources?: Resources; rest: string[] } {
  const words = (options ?? '').split(/\s+/).filter((w) => w !== '');
  const rest: string[] = [];
  const resources: Resources = {};
  for (let i = 0; i < words.length; i++) {
    const w = words[i];
    if (allowed.includes(w)) continue;
    if ((w === '--security-opt') && allowed.includes(`${w} ${words[i + 1]}`)) {
      i++;
      continue;
    }
    if (w === '--cpus' && /^[0-9.]+$/.test(words[i + 1] ?? '')) {
      resources.cpu = `${Math.round(Number(words[++i]) * 1000)}m`;
      continue;
    }
    const mem = w === '--memory' ? /^([0-9]+)([kmgt])?$/i.exec(words[i + 1] ?? '') : null;
    if (mem) {
      i++;
      resources.memory = mem[2] ? `${mem[1]}${mem[2].toUpperCase()}i` : mem[1];
      continue;
    }
    rest.push(w);
  }
  return { resources: Object.keys(resources).length > 0 ? resources : undefined, rest };
}

function volumeTarget(volume: string): { source: string; target: string; mode?: string } {
  const [source, target, mode] = volume.split(':');
  return { source, target: target ?? source, mode };
}

/** DOCKER_HOST of a container or job pointing at a service. */
function dockerHostService(env: Record<string, string>): { host: string; port: number } | undefined {
  const m = /^tcp:\/\/([A-Za-z0-9_-]+):(\d+)$/.exec(env.DOCKER_HOST ?? '');
  return m ? { host: m[1], port: Number(m[2]) } : undefined;
}

export function detectStrategy(container: Container | undefined, services: Record<string, GithubServiceInput>, jobEnv: Record<string, string>, builderStepImage: string | undefined): DetectedStrategy {
  const kanikoStepImage = builderStepImage && repository(builderStepImage) === 'gcr.io/kaniko-project/executor' ? builderStepImage : undefined;
  const buildkitStepImage = builderStepImage && repository(builderStepImage) === 'moby/buildkit' ? builderStepImage : undefined;
  const out: DetectedStrategy = { strategyServices: [], wiringEnv: [], keepContainer: false, keepServices: false, notes: [] };
  const clientEnv = { ...jobEnv, ...(container?.env ?? {}) };
  const image = container?.image;
  const containerVolumes = container?.volumes ?? [];
  const leftoverContainer = () => {
    if (container?.credentials || container?.ports) out.keepContainer = true;
  };

  const dindId = Object.keys(services).find((id) => /(^|\/)docker:.*dind/.test(services[id].image) || /(^|\/)docker:dind/.test(services[id].image));
  if (dindId) {
    const svc = services[dindId];
    const rootless = svc.image.includes('rootless');
    const tls = (svc.env?.DOCKER_TLS_CERTDIR ?? '/certs') !== '';
    const tag = imageTag(svc.image);
    const versionTag = tag?.replace(/-dind(-rootless)?$/, '');
    const version = versionTag !== tag ? versionOf(versionTag, defaultVersions.docker) : undefined;
    if (tag === undefined || versionTag === tag) out.notes.push(`the unpinned DinD image ${svc.image} becomes docker:${defaultVersions.docker}-dind${rootless ? '-rootless' : ''}`);
    const name = rootless ? 'dind-rootless' : 'dind';
    const dataDir = daemonDataDir({ strategy: name, tls, cacheVolume: false } as ConcreteStrategy);
    let cacheVolume = false;
    for (const v of svc.volumes ?? []) {
      const t = volumeTarget(v);
      if (t.target === dataDir) cacheVolume = true;
      else if (t.target !== dindClientCertDir) out.keepServices = true;
    }
    const { resources, rest } = parseOptions(svc.options, ['--privileged']);
    if (rest.length > 0) out.keepServices = true;
    if (!/(^|\s)--privileged(\s|$)/.test(svc.options ?? '')) out.notes.push(`the DinD service "${dindId}" is not privileged: dockerd cannot start without it`);
    for (const k of Object.keys(svc.env ?? {})) if (k !== 'DOCKER_TLS_CERTDIR') out.keepServices = true;
    if (svc.ports && svc.ports.length > 0 && container) out.keepServices = true;
    const strategy = { strategy: name, tls, cacheVolume, ...(version ? { version } : {}), ...(resources ? { resources } : {}) } as ConcreteStrategy;
    out.strategy = strategy;
    out.strategyServices.push(dindId);
    const host = dockerHostService(clientEnv);
    if (host && (host.host === dindId || host.host === 'localhost' || host.host === '127.0.0.1')) out.wiringEnv.push('DOCKER_HOST');
    for (const k of ['DOCKER_TLS_VERIFY', 'DOCKER_CERT_PATH']) if (k in clientEnv) out.wiringEnv.push(k);
    for (const v of containerVolumes) if (volumeTarget(v).target !== dindClientCertDir) out.keepContainer = true;
    if (container?.options) out.keepContainer = true;
    if (image && image !== `docker:${version ?? defaultVersions.docker}-cli`) out.image = image;
    leftoverContainer();
    return out;
  }

  const proxyId = Object.keys(services).find((id) => services[id].image.includes('docker-socket-proxy'));
  if (proxyId) {
    const svc = services[proxyId];
    // The proxy answers EVENTS, PING and VERSION unless they are switched off.
    const on = (s: string) => ['1', 'true'].includes(String(svc.env?.[s] ?? (['EVENTS', 'PING', 'VERSION'].includes(s) ? '1' : '0')));
    const allow = socketProxySections.filter(on);
    for (const [k, v] of Object.entries(svc.env ?? {})) {
      const known = (socketProxySections as readonly string[]).includes(k) && ['0', '1', 'true', 'false'].includes(v);
      if (!known) out.keepServices = true;
    }
    let path = '/var/run/docker.sock';
    for (const v of svc.volumes ?? []) {
      const t = volumeTarget(v);
      if (t.target === '/var/run/docker.sock') path = unescapeExpressions(t.source);
      else out.keepServices = true;
    }
    if (svc.options) out.keepServices = true;
    const version = versionOf(imageTag(svc.image), defaultVersions.socketProxy);
    out.strategy = { strategy: 'socket-proxy', allow: [...allow], path, ...(version ? { version } : {}) };
    out.strategyServices.push(proxyId);
    if (dockerHostService(clientEnv)?.host === proxyId) out.wiringEnv.push('DOCKER_HOST');
    if (containerVolumes.length > 0 || container?.options) out.keepContainer = true;
    if (image && image !== `docker:${defaultVersions.docker}-cli`) out.image = image;
    leftoverContainer();
    return out;
  }

  const socket = containerVolumes.find((v) => volumeTarget(v).target === '/var/run/docker.sock');
  if (socket) {
    const tag = image && repository(image) === 'docker' ? imageTag(image)?.replace(/-cli$/, '') : undefined;
    const version = versionOf(tag, defaultVersions.docker);
    out.strategy = { strategy: 'socket', path: unescapeExpressions(volumeTarget(socket).source), ...(version ? { version } : {}) };
    if (image && image !== `docker:${version ?? defaultVersions.docker}-cli`) out.image = image;
    if (containerVolumes.length > 1 || container?.options) out.keepContainer = true;
    leftoverContainer();
    return out;
  }

  if (kanikoStepImage || (image && repository(image) === 'gcr.io/kaniko-project/executor')) {
    const version = versionOf(imageTag(kanikoStepImage ?? image!), defaultVersions.kaniko);
    out.strategy = { strategy: 'kaniko', ...(version ? { version } : {}) };
    if (image && !kanikoStepImage) out.notes.push('the kaniko image as job container cannot run JavaScript actions such as actions/checkout; polyci runs kaniko as a docker:// step');
    else if (image) out.image = image;
    if (containerVolumes.length > 0 || container?.options) out.keepContainer = true;
    leftoverContainer();
    return out;
  }

  if (buildkitStepImage) {
    const version = versionOf(imageTag(buildkitStepImage), defaultVersions.buildkit);
    out.strategy = { strategy: 'buildkit', ...(version ? { version } : {}) };
    if (image) out.image = image;
    if (containerVolumes.length > 0 || container?.options) out.keepContainer = true;
    leftoverContainer();
    return out;
  }

  const repo = image ? repository(image) : '';
  const builder = /(^|\/)buildah\/(stable|buildah)$/.test(repo) || repo === 'buildah/buildah' ? 'buildah' : repo === 'moby/buildkit' ? 'buildkit' : undefined;
  if (builder) {
    const fallback = builder === 'buildah' ? defaultVersions.buildah : defaultVersions.buildkit;
    const version = versionOf(imageTag(image!), fallback);
    const { resources, rest } = parseOptions(container?.options, builder === 'buildkit' ? ['--security-opt seccomp=unconfined', '--security-opt apparmor=unconfined'] : []);
    if (rest.length > 0 || containerVolumes.length > 0) out.keepContainer = true;
    const strategy = { strategy: builder, ...(version ? { version } : {}), ...(resources ? { resources } : {}) } as ConcreteStrategy;
    out.strategy = strategy;
    for (const [k, v] of Object.entries(builderEnv(strategy))) if (clientEnv[k] === v) out.wiringEnv.push(k);
    leftoverContainer();
    return out;
  }

  if (image) out.image = image;
  if (containerVolumes.length > 0 || container?.options) out.keepContainer = true;
  leftoverContainer();
  return out;
}
