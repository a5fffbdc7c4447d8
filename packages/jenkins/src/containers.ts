/**
 * The containers a job needs on Jenkins, whatever spells them: the job's own
 * container, a Docker daemon or socket proxy beside it, a daemonless builder, and
 * the job's services. `kubernetes.ts` writes them as a pod template,
 * `docker-workflow.ts` as docker-workflow sidecars on a build network.
 */
import {
  builderEnv,
  clientEnv,
  daemonArgs,
  daemonDataDir,
  daemonEnv,
  daemonlessStrategies,
  dindClientCertDir,
  jobStrategy,
  strategyImages,
  type ConcreteStrategy,
  type Job,
  type Resources,
} from '@polyci/core';

export type ContainerRole = 'job' | 'daemon' | 'builder' | 'service';

export interface ContainerMount {
  /** Volume name: a pod volume, or a docker volume suffix. */
  volume: 'docker-certs' | 'docker-data' | 'docker-socket';
  path: string;
  readOnly?: boolean;
}

export interface JobContainer {
  /** Container name (Kubernetes) and the name steps use in `container(...)`. */
  name: string;
  role: ContainerRole;
  image: string;
  /** Hostname the others reach it at (a sidecar's network alias). */
  alias?: string;
  env: Record<string, string>;
  /** Arguments after the image's entrypoint (services' `command`, dockerd flags). */
  args?: string[];
  privileged?: boolean;
  resources?: Resources;
  mounts: ContainerMount[];
  /** The builder images have entrypoints that are not a shell (kaniko's executor). */
  overrideEntrypoint?: boolean;
  /** BuildKit's rootless daemon needs seccomp and AppArmor unconfined, and uid 1000. */
  unconfined?: boolean;
}

export interface ContainerPlan {
  strategy?: ConcreteStrategy;
  containers: JobContainer[];
  /** Container that runs `run` steps (undefined: the agent itself). */
  runIn?: string;
  /** Container that runs `buildImage` steps. */
  buildIn?: string;
  /** A daemon that starts with the job: the first docker command must wait for it. */
  waitForDaemon: boolean;
  /** Host path of the Docker socket mounted into the job, for `socket`. */
  hostSocket?: string;
  /** runner.resources and the builder's resources both name the one container the job has. */
  unusedRunnerResources?: boolean;
  /** A daemonless job with an image but no run steps: the image has nothing to run. */
  unusedImage?: boolean;
}

/** Where the daemon (or proxy) is, seen from the job's container. */
export type DaemonHost = 'localhost' | 'alias';

export const daemonAlias = { dind: 'dind', 'dind-rootless': 'dind', 'socket-proxy': 'socket-proxy' } as const;
const socketPath = '/var/run/docker.sock';

/** Kubernetes container names are DNS labels: lowercase, digits and '-'. */
export function containerName(alias: string, taken: Set<string>): string {
  const base = `svc-${alias.toLowerCase().replace(/[^a-z0-9-]/g, '-')}`.slice(0, 56).replace(/-+$/, '');
  let name = base;
  for (let i = 2; taken.has(name); i++) name = `${base}-${i}`;
  taken.add(name);
  return name;
}

/** The containers of a job and where its steps run. `host` is how the job reaches a sidecar. */
export function planContainers(job: Job, host: DaemonHost): ContainerPlan {
  const strategy = jobStrategy(job);
  const containers: JobContainer[] = [];
  const taken = new Set<string>(['jnlp']);
  const add = (c: JobContainer) => {
    taken.add(c.name);
    containers.push(c);
  };
  const plan: ContainerPlan = { strategy, containers, waitForDaemon: false };

  if (strategy && (strategy.strategy === 'dind' || strategy.strategy === 'dind-rootless' || strategy.strategy === 'socket-proxy')) {
    const images = strategyImages(strategy);
    const alias = daemonAlias[strategy.strategy];
    const daemonMounts: ContainerMount[] = [];
    const clientMounts: ContainerMount[] = [];
    if (strategy.strategy === 'socket-proxy') {
      daemonMounts.push({ volume: 'docker-socket', path: socketPath, readOnly: true });
    } else {
      // Only the client half of the certificates is shared: the CA key stays in the daemon.
      if (strategy.tls) {
        daemonMounts.push({ volume: 'docker-certs', path: dindClientCertDir });
        clientMounts.push({ volume: 'docker-certs', path: dindClientCertDir, readOnly: true });
      }
      // A daemon's storage cannot be the container's overlay filesystem (overlay on overlay).
      daemonMounts.push({ volume: 'docker-data', path: daemonDataDir(strategy)! });
    }
    add({
      name: alias,
      role: 'daemon',
      image: images.daemon!,
      alias,
      env: daemonEnv(strategy),
      args: daemonArgs(strategy),
      privileged: true,
      resources: 'resources' in strategy ? strategy.resources : undefined,
      mounts: daemonMounts,
    });
    add({
      name: 'docker',
      role: 'job',
      image: job.image ?? images.client,
      env: clientEnv(strategy, host === 'localhost' ? 'localhost' : alias),
      resources: job.runner?.resources,
      mounts: clientMounts,
    });
    plan.runIn = 'docker';
    plan.buildIn = 'docker';
    plan.waitForDaemon = true;
  } else if (strategy?.strategy === 'socket') {
    add({ name: 'docker', role: 'job', image: job.image ?? strategyImages(strategy).client, env: {}, resources: job.runner?.resources, mounts: [] });
    plan.runIn = 'docker';
    plan.buildIn = 'docker';
    plan.hostSocket = strategy.path;
  } else if (strategy && daemonlessStrategies.includes(strategy.strategy)) {
    const runsSteps = job.steps.some((s) => 'run' in s);
    if (job.image && runsSteps) {
      add({ name: 'job', role: 'job', image: job.image, env: {}, resources: job.runner?.resources, mounts: [] });
      plan.runIn = 'job';
    }
    add({
      name: strategy.strategy,
      role: 'builder',
      image: strategyImages(strategy).client,
      env: builderEnv(strategy),
      // With no container of the job's own, the builder is where the job runs.
      resources: ('resources' in strategy ? strategy.resources : undefined) ?? (plan.runIn ? undefined : job.runner?.resources),
      mounts: [],
      overrideEntrypoint: strategy.strategy !== 'buildah',
      unconfined: strategy.strategy === 'buildkit',
    });
    if (!plan.runIn && 'resources' in strategy && strategy.resources && job.runner?.resources) plan.unusedRunnerResources = true;
    plan.runIn ??= strategy.strategy;
    plan.buildIn = strategy.strategy;
    if (job.image && !runsSteps) plan.unusedImage = true;
  } else if (job.image) {
    add({ name: 'job', role: 'job', image: job.image, env: {}, resources: job.runner?.resources, mounts: [] });
    plan.runIn = 'job';
  }

  for (const svc of job.services) {
    add({
      name: containerName(svc.alias, taken),
      role: 'service',
      image: svc.image,
      alias: svc.alias,
      env: svc.env ?? {},
      args: svc.command,
      mounts: [],
    });
  }
  return plan;
}
