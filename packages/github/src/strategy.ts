/**
 * The Docker daemon strategy of a job in GitHub's idiom: a `services:` daemon or
 * proxy beside a `container:` job, or the builder's image.
 * https://docs.github.com/en/actions/use-cases-and-examples/using-containerized-services/about-service-containers
 */
import {
  builderEnv,
  clientEnv,
  defaultVersions,
  daemonDataDir,
  daemonEnv,
  diagnostic,
  dindClientCertDir,
  formatPath,
  strategyImages,
  type ConcreteStrategy,
  type Diagnostic,
  type Job,
  type Resources,
} from '@polyci/core';
import { escapeExpressions } from './expressions';

/** A service container, in the workflow's shape. */
export interface GithubService {
  image: string;
  env?: Record<string, string>;
  ports?: (string | number)[];
  volumes?: string[];
  options?: string;
}

/** The job container, in the workflow's shape. */
export interface GithubContainer {
  image: string;
  env?: Record<string, string>;
  volumes?: string[];
  options?: string;
}

/** What a strategy adds to a job. */
export interface StrategyParts {
  container?: GithubContainer;
  services: Record<string, GithubService>;
  /** Steps must wait for a daemon that starts with the job. */
  readinessWait: boolean;
  /**
   * buildImage steps run in a container of the builder image started from the
   * runner (`docker://` step for kaniko, `docker run` for BuildKit), not in the job's shell.
   */
  builder?: { via: 'action' | 'docker-run'; image: string };
}

/**
 * The daemon's service id, which is also its host name. docker:dind writes its
 * server certificate for the names `docker` and `localhost` (plus the container's
 * own), so a TLS client must call it `docker`.
 */
export const daemonServiceId = 'docker';
export const proxyServiceId = 'docker-proxy';
/** Where the kaniko debug image keeps busybox. */
export const kanikoShell = '/busybox/sh';

/**
 * The certificate volume is named per run and job: on a self-hosted runner two
 * jobs on one host must not share (or overwrite) each other's client keys.
 */
export function certVolume(jobId: string): string {
  return `polyci-certs-\${{ github.run_id }}-\${{ github.run_attempt }}-${jobId}`;
}

/** The daemon's storage volume for `cacheVolume`: a stable name, so the next run on the same host finds it. */
export function cacheVolumeName(workflowSlug: string, jobId: string): string {
  return `polyci-docker-${workflowSlug}-${jobId}`;
}

export function strategyParts(strategy: ConcreteStrategy, job: Job, jobId: string, workflowSlug: string, diagnostics: Diagnostic[]): StrategyParts {
  const at = (...rest: (string | number)[]) => formatPath(['jobs', jobId, 'docker', ...rest]);
  const images = strategyImages(strategy);
  const clientImage = job.image ?? images.client;
  switch (strategy.strategy) {
    case 'dind':
    case 'dind-rootless': {
      const dind = dindOnGithub(strategy, jobId, diagnostics);
      const service: GithubService = { image: images.daemon!, env: daemonEnv(dind), options: '--privileged' };
      const container: GithubContainer = { image: clientImage, env: clientEnv(dind, daemonServiceId) };
      const serviceVolumes: string[] = [];
      if (dind.tls) {
        serviceVolumes.push(`${certVolume(jobId)}:${dindClientCertDir}`);
        container.volumes = [`${certVolume(jobId)}:${dindClientCertDir}:ro`];
      }
      if (dind.cacheVolume) {
        serviceVolumes.push(`${cacheVolumeName(workflowSlug, jobId)}:${daemonDataDir(dind)}`);
        diagnostics.push(diagnostic('PCI030', 'warning', `the Docker cache volume of job "${jobId}" persists only on self-hosted runners (GitHub-hosted runners are new VMs for every job), and concurrent jobs on one host would share it`, { path: at('cacheVolume'), hint: 'on hosted runners, cache layers in a registry (buildImage cacheFrom/cacheTo) instead' }));
      }
      if (serviceVolumes.length > 0) service.volumes = serviceVolumes;
      if (dind.resources) service.options = ['--privileged', ...resourceOptions(dind.resources, at('resources'), diagnostics)].join(' ');
      diagnostics.push(diagnostic('PCI020', 'info', `GitHub runs the DinD service of job "${jobId}" with --privileged; self-hosted runners must allow privileged containers`, { path: at(), hint: 'kaniko or buildkit build without privilege' }));
      return { container, services: { [daemonServiceId]: service }, readinessWait: true };
    }
    case 'socket': {
      diagnostics.push(diagnostic('PCI021', 'info', `on GitHub-hosted runners the socket of job "${jobId}" is the runner VM's own daemon, discarded after the job; on a self-hosted runner it is the host's daemon, shared with every job on it`, { path: at(), hint: 'use socket-proxy or a daemonless strategy on self-hosted runners' }));
      return { container: { image: clientImage, volumes: [`${escapeExpressions(strategy.path)}:/var/run/docker.sock`] }, services: {}, readinessWait: false };
    }
    case 'socket-proxy': {
      const service: GithubService = { image: images.daemon!, env: daemonEnv(strategy), volumes: [`${escapeExpressions(strategy.path)}:/var/run/docker.sock:ro`] };
      return { container: { image: clientImage, env: clientEnv(strategy, proxyServiceId) }, services: { [proxyServiceId]: service }, readinessWait: true };
    }
    case 'kaniko':
      if (strategy.resources) diagnostics.push(diagnostic('PCI031', 'warning', `GitHub cannot limit the resources of the kaniko step of job "${jobId}" (a docker:// step takes no options)`, { path: at('resources'), hint: 'size the runner instead (runner.labels)' }));
      // The runner runs JavaScript actions (actions/checkout) with a glibc node it
      // mounts into the job container; the kaniko image has neither glibc nor git
      // (actions/actions-runner-controller#3687). So the job stays on the runner
      // (or in its own image) and each build runs as a `docker://` step of kaniko.
      return { container: job.image ? { image: job.image } : undefined, services: {}, readinessWait: false, builder: { via: 'action', image: images.client } };
    case 'buildkit':
      // moby/buildkit:rootless runs as uid 1000; as a job container it could not write the
      // runner's workspace (actions/runner#2411), so actions/checkout would fail. The build
      // runs in its own unprivileged container from the runner instead (builderRunCommand).
      if (job.image) diagnostics.push(diagnostic('PCI030', 'warning', `the builds of job "${jobId}" start a BuildKit container from the runner, so the job runs on the runner, not in its image ${job.image}`, { path: formatPath(['jobs', jobId, 'image']), hint: 'move the steps that need the image to a job of their own' }));
      if (strategy.resources) diagnostics.push(diagnostic('PCI031', 'warning', `BuildKit resources of job "${jobId}" are not applied on GitHub`, { path: at('resources'), hint: 'size the runner instead (runner.labels)' }));
      return { services: {}, readinessWait: false, builder: { via: 'docker-run', image: images.client } };
    case 'buildah': {
      if (job.image) diagnostics.push(diagnostic('PCI030', 'warning', `job "${jobId}" runs in the buildah image ${images.client}, not in its image ${job.image}: its builds need the builder`, { path: formatPath(['jobs', jobId, 'image']), hint: 'move the steps that need the image to a job of their own' }));
      const container: GithubContainer = { image: images.client };
      const env = builderEnv(strategy);
      if (Object.keys(env).length > 0) container.env = env;
      if (strategy.resources) container.options = resourceOptions(strategy.resources, at('resources'), diagnostics).join(' ') || undefined;
      return { container, services: {}, readinessWait: false };
    }
  }
}

/**
 * Resources as `docker create` options. They are written into an options string the
 * runner hands to docker, so only plain quantities may pass.
 */
export function resourceOptions(resources: Resources, path: string, diagnostics: Diagnostic[]): string[] {
  const opts: string[] = [];
  if (resources.cpu !== undefined) {
    const m = /^([0-9]+(?:\.[0-9]+)?)(m?)$/.exec(resources.cpu);
    if (m) opts.push(`--cpus ${m[2] ? String(Number(m[1]) / 1000) : m[1]}`);
    else diagnostics.push(diagnostic('PCI030', 'error', `cpu ${JSON.stringify(resources.cpu)} is not a quantity GitHub's container options can take`, { path: `${path}.cpu`, hint: 'use cores ("2") or millicores ("500m")' }));
  }
  if (resources.memory !== undefined) {
    const m = /^([0-9]+)(Ki|Mi|Gi|Ti|k|m|g)?$/.exec(resources.memory);
    if (m) opts.push(`--memory ${m[1]}${({ Ki: 'k', Mi: 'm', Gi: 'g', Ti: 't', k: 'k', m: 'm', g: 'g' } as Record<string, string>)[m[2] ?? ''] ?? 'b'}`);
    else diagnostics.push(diagnostic('PCI030', 'error', `memory ${JSON.stringify(resources.memory)} is not a quantity GitHub's container options can take`, { path: `${path}.memory`, hint: 'use a Kubernetes quantity such as "2Gi"' }));
  }
  return opts;
}

/** The major version of the Docker engine a DinD strategy runs. */
function dockerMajor(version: string | undefined): number {
  return Number(/^(\d+)/.exec(version ?? defaultVersions.docker)?.[1] ?? Number.NaN);
}

/**
 * TLS off on GitHub. dockerd 27+ refuses a TCP listener without TLS unless it is
 * given --tls=false, and a GitHub service takes no arguments (only `options` for
 * `docker create`), so such a daemon would not start: the job keeps TLS on, the
 * safer setting, and says so. Older engines start without it.
 */
export function dindOnGithub<S extends Extract<ConcreteStrategy, { strategy: 'dind' | 'dind-rootless' }>>(strategy: S, jobId: string, diagnostics: Diagnostic[]): S {
  if (strategy.tls) return strategy;
  const path = formatPath(['jobs', jobId, 'docker', 'tls']);
  if (!(dockerMajor(strategy.version) < 27)) {
    diagnostics.push(diagnostic('PCI030', 'warning', `job "${jobId}" keeps TLS on for GitHub: dockerd ${strategy.version ?? defaultVersions.docker} refuses plain tcp 2375 without --tls=false, and a GitHub service takes no arguments`, { path, hint: 'remove `tls: false` (TLS on 2376 is the default), or pin a docker version below 27' }));
    return { ...strategy, tls: true };
  }
  diagnostics.push(diagnostic('PCI030', 'info', `the DinD service of job "${jobId}" listens on tcp 2375 without TLS because DOCKER_TLS_CERTDIR is empty (dockerd ${strategy.version} still allows it, after a delay)`, { path, hint: 'keep TLS on (the default)' }));
  return strategy;
}
