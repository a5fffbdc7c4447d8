/**
 * Recognise the daemon strategy from GitLab's idiom: a docker:*-dind service (TLS
 * from DOCKER_HOST's port or DOCKER_TLS_CERTDIR), the rootless image, the socket
 * proxy service, a builder image (kaniko, buildah, buildkit), or docker commands with
 * no daemon service at all (the runner's socket).
 */
import {
  builderEnv,
  callsDocker,
  defaultVersions,
  socketProxySections,
  strategyImages,
  type ConcreteStrategy,
  type Resources,
} from '@polyci/core';
import { normalizeImage } from '../model/image';
import { normalizeService, type GitlabService } from '../model/service';

const pinnedVersion = /^[A-Za-z0-9][A-Za-z0-9._-]{0,127}$/;
/** Variables that only wire the docker client to the daemon: scaffolding, not user env. */
export const clientVariables = ['DOCKER_HOST', 'DOCKER_TLS_VERIFY', 'DOCKER_CERT_PATH', 'DOCKER_TLS_CERTDIR'];

export interface DetectedStrategy {
  strategy?: ConcreteStrategy;
  /** Index of the service that is the daemon or proxy (not a user service). */
  serviceIndex?: number;
  /** The job image is the strategy's own and says nothing more. */
  imageIsStrategy: boolean;
  /** Job variables the strategy accounts for. */
  consumedVariables: string[];
  notes: string[];
}

function versionOf(tag: string | undefined, defaultVersion: string): string | undefined {
  if (!tag || tag === defaultVersion || !pinnedVersion.test(tag)) return undefined;
  return tag;
}

function str(v: unknown): string | undefined {
  return typeof v === 'string' ? v : typeof v === 'number' || typeof v === 'boolean' ? String(v) : undefined;
}

function limits(vars: Record<string, unknown>, prefix: string): { resources?: Resources; names: string[] } {
  const cpu = str(vars[`KUBERNETES_${prefix}CPU_LIMIT`]);
  const memory = str(vars[`KUBERNETES_${prefix}MEMORY_LIMIT`]);
  if (cpu === undefined && memory === undefined) return { names: [] };
  return {
    resources: { ...(cpu !== undefined ? { cpu } : {}), ...(memory !== undefined ? { memory } : {}) },
    names: [`KUBERNETES_${prefix}CPU_LIMIT`, `KUBERNETES_${prefix}MEMORY_LIMIT`].filter((n) => vars[n] !== undefined),
  };
}

export function detectStrategy(
  image: unknown,
  services: readonly GitlabService[],
  jobVariables: Record<string, unknown>,
  globalVariables: Record<string, unknown>,
  scripts: readonly string[],
): DetectedStrategy {
  const vars = { ...globalVariables, ...jobVariables };
  const notes: string[] = [];
  const imageName = image !== undefined && (typeof image === 'string' || (image && typeof image === 'object')) ? normalizeImage(image as never).name : undefined;

  for (const [i, raw] of services.entries()) {
    const s = normalizeService(raw);
    if (typeof s.name !== 'string') continue;
    const dind = /^(?:[\w.-]+\/)*docker:(?:([\w.-]+?)-)?dind(-rootless)?$/.exec(s.name);
    if (dind) {
      const alias = s.alias ?? 'docker';
      const serviceVars = s.variables ?? {};
      const host = str(vars.DOCKER_HOST);
      const port = host ? /:(\d+)\/?$/.exec(host)?.[1] : undefined;
      const certDir = str(serviceVars.DOCKER_TLS_CERTDIR) ?? str(vars.DOCKER_TLS_CERTDIR);
      const tls = port === '2376' ? true : port === '2375' ? false : certDir !== '';
      if (host && !host.includes(`//${alias}:`) && !host.includes('//localhost:')) notes.push(`DOCKER_HOST ${host} does not name the service alias "${alias}"`);
      const version = versionOf(dind[1], defaultVersions.docker);
      if (!dind[1]) notes.push(`${s.name} names no version; polyci pins docker ${defaultVersions.docker}`);
      const { resources, names } = limits(vars, 'SERVICE_');
      const strategy: ConcreteStrategy = dind[2]
        ? { strategy: 'dind-rootless', tls, cacheVolume: false, ...(version ? { version } : {}), ...(resources ? { resources } : {}) }
        : { strategy: 'dind', tls, cacheVolume: false, ...(version ? { version } : {}), ...(resources ? { resources } : {}) };
      return { strategy, serviceIndex: i, imageIsStrategy: imageName === strategyImages(strategy).client, consumedVariables: [...clientVariables, ...names], notes };
    }
    const proxy = /^(?:[\w.-]+\/)*(?:tecnativa\/)?docker-socket-proxy(?::([\w.-]+))?$/.exec(s.name);
    if (proxy) {
      const serviceVars = s.variables ?? {};
      const on = (section: string) => {
        const v = str(serviceVars[section]);
        if (v === undefined) return ['EVENTS', 'PING', 'VERSION'].includes(section);
        return v === '1' || v.toLowerCase() === 'true';
      };
      const allow = socketProxySections.filter(on);
      const version = versionOf(proxy[1], defaultVersions.socketProxy);
      const strategy: ConcreteStrategy = { strategy: 'socket-proxy', allow, path: '/var/run/docker.sock', ...(version ? { version } : {}) };
      return { strategy, serviceIndex: i, imageIsStrategy: imageName === strategyImages(strategy).client, consumedVariables: ['DOCKER_HOST'], notes };
    }
  }

  const builder = imageName
    ? /^(?:gcr\.io\/)?kaniko-project\/executor(?::([\w.-]+))?$/.exec(imageName)
      ? ({ strategy: 'kaniko', tag: /:([\w.-]+)$/.exec(imageName)?.[1], def: defaultVersions.kaniko } as const)
      : /^(?:quay\.io\/)?(?:buildah\/stable|containers\/buildah)(?::([\w.-]+))?$/.exec(imageName)
        ? ({ strategy: 'buildah', tag: /:([\w.-]+)$/.exec(imageName)?.[1], def: defaultVersions.buildah } as const)
        : /^(?:docker\.io\/)?moby\/buildkit(?::([\w.-]+))?$/.exec(imageName)
          ? ({ strategy: 'buildkit', tag: /:([\w.-]+)$/.exec(imageName)?.[1], def: defaultVersions.buildkit } as const)
          : undefined
    : undefined;
  if (builder) {
    const version = versionOf(builder.tag, builder.def);
    const { resources, names } = limits(vars, '');
    const strategy = { strategy: builder.strategy, ...(version ? { version } : {}), ...(resources ? { resources } : {}) } as ConcreteStrategy;
    const env = builderEnv(strategy);
    const consumed = [...names, ...Object.keys(env).filter((k) => str(vars[k]) === env[k])];
    return { strategy, imageIsStrategy: true, consumedVariables: consumed, notes };
  }

  const host = str(vars.DOCKER_HOST);
  const cli = imageName ? /^(?:docker\.io\/)?(?:library\/)?docker:([\w.-]+?)-cli$/.exec(imageName) : null;
  // The docker CLI image with no daemon beside it talks to the runner's socket.
  if ((host && host.startsWith('unix://')) || scripts.some(callsDocker) || cli) {
    const version = versionOf(cli?.[1], defaultVersions.docker);
    const strategy: ConcreteStrategy = { strategy: 'socket', path: host?.startsWith('unix://') ? host.slice('unix://'.length) : '/var/run/docker.sock', ...(version ? { version } : {}) };
    notes.push('the job calls docker with no daemon service: it uses the socket the runner mounts');
    return { strategy, imageIsStrategy: imageName === strategyImages(strategy).client, consumedVariables: host?.startsWith('unix://') ? ['DOCKER_HOST'] : [], notes };
  }
  return { imageIsStrategy: false, consumedVariables: [], notes };
}
