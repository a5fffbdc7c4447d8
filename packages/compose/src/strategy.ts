/**
 * The Docker daemon strategies in compose's idiom, after seed 001's "complete DinD
 * CI pipeline": a privileged `docker:dind` service with its TLS certificates in
 * volumes and a `docker info` healthcheck, and a runner that waits for it with
 * `depends_on: condition: service_healthy`; the socket proxy as a
 * tecnativa/docker-socket-proxy service with the allow-list as its environment;
 * the host socket as a volume; the daemonless builders as the runner's image.
 * https://hub.docker.com/_/docker (DOCKER_TLS_CERTDIR, rootless)
 * https://github.com/Tecnativa/docker-socket-proxy
 */
import {
  builderEnv,
  clientEnv,
  daemonArgs,
  daemonDataDir,
  daemonEnv,
  daemonReadinessWait,
  readinessWaitFor,
  unwaitableDaemon,
  diagnostic,
  dindCertDir,
  dindClientCertDir,
  formatPath,
  strategyImages,
  usesTls,
  type ConcreteStrategy,
  type Diagnostic,
} from '@polyci/core';
import { literal } from './interpolation';
import type { ComposeDependsOn, ComposeHealthcheck, ComposeService } from './model/service';
import { daemonAlias, dindService, jobNetwork, jobVolume, oneByName, proxyService } from './names';
import { composeLimits } from './resources';

/** Inside the proxy container, where the host socket is mounted. */
export const proxySocketPath = '/var/run/docker.sock';
/** Inside a socket-strategy runner, where the docker CLI looks for the socket. */
export const runnerSocketPath = '/var/run/docker.sock';

/** The daemon is healthy once it answers the API: at most 30 tries 2s apart, as daemonReadinessWait. */
export const daemonHealthcheck: ComposeHealthcheck = { test: ['CMD', 'docker', 'info'], interval: '2s', timeout: '5s', retries: 30 };

/** Options that let rootless BuildKit (and buildah's chroot isolation) run without privilege. */
export const unconfinedSecurityOpt = ['seccomp=unconfined', 'apparmor=unconfined'];
/** The container cannot gain privileges (setuid binaries): Kubernetes' allowPrivilegeEscalation false. */
export const noNewPrivileges = 'no-new-privileges:true';

/** Every readiness wait polyci writes, for the importer to recognise. */
export const readinessWaits: readonly string[] = [daemonReadinessWait(), daemonReadinessWait(60, 'version')];

export interface StrategyParts {
  /** The image steps run in when the job names none: the docker CLI, or the builder. */
  clientImage: string;
  /** Daemonless builders replace a user image: the build runs in the builder. */
  imageRequired: boolean;
  /** The daemon or proxy service, by name. */
  daemon?: { name: string; service: ComposeService };
  runnerEnv: Record<string, string>;
  runnerVolumes: string[];
  runnerSecurityOpt: string[];
  runnerDependsOn: ComposeDependsOn;
  /** Statements before the first step. */
  prelude: string[];
  /** Named volumes to declare at the top level. */
  volumes: string[];
  diagnostics: Diagnostic[];
}

function dindParts(jobId: string, s: Extract<ConcreteStrategy, { strategy: 'dind' | 'dind-rootless' }>): StrategyParts {
  const images = strategyImages(s);
  const diagnostics: Diagnostic[] = [];
  const volumes: string[] = [];
  const daemonVolumes: string[] = [];
  const runnerVolumes: string[] = [];
  if (usesTls(s)) {
    // The CA key stays with the daemon; the runner gets only the client half, read-only.
    // The rootless daemon runs as uid 1000 and could not write a fresh root-owned volume at
    // /certs/ca (the image has no such directory to copy permissions from): its CA stays in
    // the container, and the entrypoint re-issues the client certificates when the CA changes.
    if (s.strategy === 'dind') {
      volumes.push(jobVolume(jobId, 'certsCa'));
      daemonVolumes.push(`${jobVolume(jobId, 'certsCa')}:${dindCertDir}/ca`);
    }
    volumes.push(jobVolume(jobId, 'certsClient'));
    daemonVolumes.push(`${jobVolume(jobId, 'certsClient')}:${dindClientCertDir}`);
    runnerVolumes.push(`${jobVolume(jobId, 'certsClient')}:${dindClientCertDir}:ro`);
  }
  if (s.cacheVolume) {
    volumes.push(jobVolume(jobId, 'daemonData'));
    daemonVolumes.push(`${jobVolume(jobId, 'daemonData')}:${daemonDataDir(s)}`);
  }
  const { limits, unreadable } = composeLimits(s.resources);
  for (const u of unreadable) {
    diagnostics.push(diagnostic('PCI030', 'warning', `the daemon's ${u} is not a quantity compose can limit; it runs without that limit`, { path: formatPath(['jobs', jobId, 'docker', 'resources']), hint: 'use Kubernetes quantities such as 500m / 2 (cpu) and 512Mi / 2Gi (memory)' }));
  }
  const args = daemonArgs(s);
  const service: ComposeService = {
    image: images.daemon!,
    // dockerd needs it to create namespaces and mounts; the rootless daemon still does on most kernels.
    privileged: true,
    ...(args.length > 0 ? { command: args } : {}),
    environment: daemonEnv(s),
    ...(daemonVolumes.length > 0 ? { volumes: daemonVolumes } : {}),
    healthcheck: daemonHealthcheck,
    networks: oneByName(jobNetwork(jobId), { aliases: [daemonAlias] }),
    ...limits,
  };
  return {
    clientImage: images.client,
    imageRequired: false,
    daemon: { name: dindService(jobId), service },
    runnerEnv: clientEnv(s, daemonAlias),
    runnerVolumes,
    runnerSecurityOpt: [noNewPrivileges],
    runnerDependsOn: oneByName(dindService(jobId), { condition: 'service_healthy' }),
    prelude: [],
    volumes,
    diagnostics,
  };
}

/** The parts of a job's compose services that its docker strategy decides. */
export function strategyParts(jobId: string, strategy: ConcreteStrategy | undefined): StrategyParts | undefined {
  if (!strategy) return undefined;
  const at = formatPath(['jobs', jobId, 'docker']);
  const images = strategyImages(strategy);
  switch (strategy.strategy) {
    case 'dind':
    case 'dind-rootless':
      return dindParts(jobId, strategy);
    case 'socket':
      return {
        clientImage: images.client,
        imageRequired: false,
        runnerEnv: {},
        runnerVolumes: [`${literal(strategy.path)}:${runnerSocketPath}:ro`],
        runnerSecurityOpt: [noNewPrivileges],
        runnerDependsOn: {},
        prelude: [],
        volumes: [],
        diagnostics: [
          diagnostic('PCI030', 'warning', `job "${jobId}" mounts the host socket read-only, which does not limit the Docker API: the job still controls the host's daemon`, {
            path: at,
            hint: 'use the socket-proxy strategy to allow only some API sections, or dind-rootless / kaniko to keep the host daemon out of reach',
          }),
        ],
      };
    case 'socket-proxy': {
      const proxyWait = readinessWaitFor(strategy);
      const service: ComposeService = {
        image: images.daemon!,
        environment: daemonEnv(strategy),
        // the proxy only reads the socket; its allow-list is what limits the API.
        volumes: [`${literal(strategy.path)}:${proxySocketPath}:ro`],
        networks: oneByName(jobNetwork(jobId), { aliases: [daemonAlias] }),
      };
      return {
        clientImage: images.client,
        imageRequired: false,
        daemon: { name: proxyService(jobId), service },
        runnerEnv: clientEnv(strategy, daemonAlias),
        runnerVolumes: [],
        runnerSecurityOpt: [noNewPrivileges],
        runnerDependsOn: oneByName(proxyService(jobId), { condition: 'service_started' }),
        // The proxy image has no healthcheck tool we can rely on: the runner waits for the API instead,
        // with a call the allow-list lets through.
        prelude: proxyWait ? [proxyWait] : [],
        volumes: [],
        diagnostics: proxyWait ? [] : [unwaitableDaemon(jobId)],
      };
    }
    case 'kaniko':
    case 'buildah':
    case 'buildkit':
      return {
        clientImage: images.client,
        imageRequired: true,
        runnerEnv: builderEnv(strategy),
        runnerVolumes: [],
        // rootless BuildKit (rootlesskit) and buildah need user namespaces and mounts that
        // the default seccomp/AppArmor profiles refuse; kaniko needs neither.
        runnerSecurityOpt: strategy.strategy === 'kaniko' ? [noNewPrivileges] : strategy.strategy === 'buildkit' ? unconfinedSecurityOpt : [...unconfinedSecurityOpt, noNewPrivileges],
        runnerDependsOn: {},
        prelude: [],
        volumes: [],
        diagnostics: [],
      };
  }
}
