/**
 * Facts about each Docker daemon strategy, in one place: what it costs in
 * privilege, what it can do, which images it runs. Vendors decide how to spell a
 * strategy; they never decide what it is.
 */
import type { ConcreteStrategy, StrategyName } from '../ir';

export type ConcreteStrategyName = ConcreteStrategy['strategy'];

export interface StrategyFacts {
  name: ConcreteStrategyName;
  /** One line for tables and diagrams. */
  summary: string;
  /** Does some container of this strategy run privileged? */
  privileged: 'yes' | 'no' | 'proxy-only' | 'usually';
  /** Does a job with this strategy hold the equivalent of root on the host? */
  hostRootEquivalent: 'yes' | 'no' | 'partly';
  /** Where the builder runs. */
  daemon: 'sidecar' | 'host' | 'proxy' | 'none';
  /** Can the job's own steps run `docker run` / compose? */
  canRunContainers: boolean;
  /** Can run steps call the docker CLI at all? */
  hasDockerCli: boolean;
  /** Supports build secrets (RUN --mount=type=secret). */
  buildSecrets: boolean;
  /** Builds several platforms in one invocation. */
  multiPlatform: boolean;
  isolation: string;
  cache: string;
  /** Safer strategies, best first, and when they apply. */
  saferAlternative: string;
}

export const strategyFacts: Record<ConcreteStrategyName, StrategyFacts> = {
  dind: {
    name: 'dind',
    summary: 'nested dockerd as a sidecar/service; TLS on tcp 2376 by default',
    privileged: 'yes',
    hostRootEquivalent: 'no',
    daemon: 'sidecar',
    canRunContainers: true,
    hasDockerCli: true,
    buildSecrets: true,
    multiPlatform: true,
    isolation: 'own daemon per job, but the daemon container is privileged',
    cache: 'empty per job unless /var/lib/docker is kept in a volume',
    saferAlternative: "kaniko or buildkit when the job only builds and pushes; dind-rootless when it must run containers",
  },
  'dind-rootless': {
    name: 'dind-rootless',
    summary: 'nested rootless dockerd as a sidecar/service',
    privileged: 'usually',
    hostRootEquivalent: 'no',
    daemon: 'sidecar',
    canRunContainers: true,
    hasDockerCli: true,
    buildSecrets: true,
    multiPlatform: true,
    isolation: 'own daemon per job running as an unprivileged user; the sidecar still needs privileged on most platforms',
    cache: 'empty per job unless the rootless data dir is kept in a volume',
    saferAlternative: 'kaniko or buildkit when the job only builds and pushes',
  },
  socket: {
    name: 'socket',
    summary: "the host's /var/run/docker.sock mounted into the job",
    privileged: 'no',
    hostRootEquivalent: 'yes',
    daemon: 'host',
    canRunContainers: true,
    hasDockerCli: true,
    buildSecrets: true,
    multiPlatform: true,
    isolation: 'none: every job shares the host daemon and can start privileged containers on the host',
    cache: "shared with the host and every other job (fast, and leaks between jobs)",
    saferAlternative: 'socket-proxy to restrict the API, dind-rootless for isolation, or kaniko/buildkit when the job only builds',
  },
  'socket-proxy': {
    name: 'socket-proxy',
    summary: 'a socket proxy in front of the host socket with an API allow-list',
    privileged: 'proxy-only',
    hostRootEquivalent: 'partly',
    daemon: 'proxy',
    canRunContainers: true,
    hasDockerCli: true,
    buildSecrets: true,
    multiPlatform: true,
    isolation: 'host daemon behind an allow-list; CONTAINERS+POST still lets a job start containers on the host',
    cache: 'shared with the host',
    saferAlternative: 'kaniko or buildkit when the job only builds; dind-rootless when it must run containers',
  },
  kaniko: {
    name: 'kaniko',
    summary: 'no daemon: the kaniko executor builds and pushes in user space',
    privileged: 'no',
    hostRootEquivalent: 'no',
    daemon: 'none',
    canRunContainers: false,
    hasDockerCli: false,
    buildSecrets: false,
    multiPlatform: false,
    isolation: 'an ordinary unprivileged container',
    cache: 'layer cache in a registry repository (--cache-repo)',
    saferAlternative: 'already daemonless',
  },
  buildah: {
    name: 'buildah',
    summary: 'no daemon: buildah bud/push with vfs storage and chroot isolation',
    privileged: 'no',
    hostRootEquivalent: 'no',
    daemon: 'none',
    canRunContainers: false,
    hasDockerCli: false,
    buildSecrets: true,
    multiPlatform: true,
    isolation: 'an ordinary container; chroot isolation for RUN steps',
    cache: 'layers in registry repositories (--cache-from/--cache-to)',
    saferAlternative: 'already daemonless',
  },
  buildkit: {
    name: 'buildkit',
    summary: 'rootless buildkitd run daemonless by buildctl',
    privileged: 'no',
    hostRootEquivalent: 'no',
    daemon: 'none',
    canRunContainers: false,
    hasDockerCli: false,
    buildSecrets: true,
    multiPlatform: true,
    isolation: 'rootless; needs seccomp and AppArmor unconfined, no privilege',
    cache: 'registry cache import/export',
    saferAlternative: 'already daemonless',
  },
};

/** Strategies with no Docker daemon at all. */
export const daemonlessStrategies: readonly ConcreteStrategyName[] = ['kaniko', 'buildah', 'buildkit'];
/** Strategies whose jobs talk to a Docker daemon with the docker CLI. */
export const daemonStrategies: readonly ConcreteStrategyName[] = ['dind', 'dind-rootless', 'socket', 'socket-proxy'];

/** Pinned default versions of every image a strategy runs. */
export const defaultVersions = {
  docker: '27.3.1',
  kaniko: 'v1.23.2-debug',
  buildah: 'v1.37.3',
  buildkit: 'v0.16.0-rootless',
  socketProxy: '0.3.0',
} as const;

export interface StrategyImages {
  /** The image the job's steps run in (the docker CLI, or the builder). */
  client: string;
  /** The daemon or proxy beside the job, when there is one. */
  daemon?: string;
}

/** The images a strategy runs, pinned. */
export function strategyImages(s: ConcreteStrategy): StrategyImages {
  switch (s.strategy) {
    case 'dind': {
      const v = s.version ?? defaultVersions.docker;
      return { client: `docker:${v}-cli`, daemon: `docker:${v}-dind` };
    }
    case 'dind-rootless': {
      const v = s.version ?? defaultVersions.docker;
      return { client: `docker:${v}-cli`, daemon: `docker:${v}-dind-rootless` };
    }
    case 'socket':
      return { client: `docker:${s.version ?? defaultVersions.docker}-cli` };
    case 'socket-proxy':
      return { client: `docker:${defaultVersions.docker}-cli`, daemon: `tecnativa/docker-socket-proxy:${s.version ?? defaultVersions.socketProxy}` };
    case 'kaniko':
      return { client: `gcr.io/kaniko-project/executor:${s.version ?? defaultVersions.kaniko}` };
    case 'buildah':
      return { client: `quay.io/buildah/stable:${s.version ?? defaultVersions.buildah}` };
    case 'buildkit':
      return { client: `moby/buildkit:${s.version ?? defaultVersions.buildkit}` };
  }
}

/** Is the strategy's daemon reached over TLS? (Only DinD daemons are ours to secure.) */
export function usesTls(s: ConcreteStrategy): boolean {
  return (s.strategy === 'dind' || s.strategy === 'dind-rootless') && s.tls;
}

/** TCP port of a DinD daemon, or of the socket proxy. */
export function daemonPort(s: ConcreteStrategy): number | undefined {
  if (s.strategy === 'dind' || s.strategy === 'dind-rootless') return s.tls ? 2376 : 2375;
  if (s.strategy === 'socket-proxy') return 2375;
  return undefined;
}

/** The facts of a strategy by name. */
export function factsOf(name: StrategyName): StrategyFacts | undefined {
  return name === 'auto' ? undefined : strategyFacts[name];
}
