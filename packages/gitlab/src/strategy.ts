/**
 * The Docker daemon strategies in GitLab's idiom: a `services:` entry with an alias
 * for DinD and the socket proxy, the builder image with an empty entrypoint for the
 * daemonless builders, and a diagnostic with the runner's `config.toml` snippet for
 * whatever only the runner can say (privileged, volumes, security options).
 * https://docs.gitlab.com/ee/ci/docker/using_docker_build.html
 * https://docs.gitlab.com/ee/ci/docker/using_kaniko.html
 * https://docs.gitlab.com/runner/configuration/advanced-configuration.html#the-runnersdocker-section
 */
import {
  builderEnv,
  clientEnv,
  daemonArgs,
  daemonDataDir,
  daemonEnv,
  diagnostic,
  dindClientCertDir,
  socketProxySections,
  strategyImages,
  usesTls,
  type ConcreteStrategy,
  type Diagnostic,
} from '@polyci/core';
import type { GitlabImage, GitlabService } from './model/job';

/** Service aliases: the hostnames the job reaches the daemon (or proxy) at. */
export const dindAlias = 'docker';
export const socketProxyAlias = 'docker-socket-proxy';

export interface StrategyParts {
  /** The job's image, unless the user named one (daemon strategies only). */
  image: GitlabImage;
  /** Must the strategy's image replace a user image? (daemonless builders run the build in it) */
  imageRequired: boolean;
  service?: GitlabService;
  /** Job variables: the client side and the builder's environment. */
  variables: Record<string, string>;
  /** Does the job need the bounded wait for a daemon before its first docker command? */
  waitForDaemon: boolean;
  diagnostics: Diagnostic[];
}

function runnerSnippet(lines: string[]): string {
  return ['[[runners]]', '  [runners.docker]', ...lines.map((l) => `    ${l}`)].join('\n');
}

function tomlList(items: string[]): string {
  return `[${items.map((i) => JSON.stringify(i)).join(', ')}]`;
}

/** The GitLab spelling of one job's strategy. `path` is the IR path of `jobs.<id>.docker`. */
export function strategyParts(s: ConcreteStrategy, path: string): StrategyParts {
  const images = strategyImages(s);
  const diagnostics: Diagnostic[] = [];
  switch (s.strategy) {
    case 'dind':
    case 'dind-rootless': {
      const volumes = usesTls(s) ? [dindClientCertDir] : [];
      const dataDir = daemonDataDir(s)!;
      if (s.cacheVolume) volumes.push(dataDir);
      const needs = ['privileged = true', ...(volumes.length > 0 ? [`volumes = ${tomlList(volumes)}`] : [])];
      diagnostics.push(
        diagnostic(
          'PCI030',
          'warning',
          `the ${s.strategy} service runs only on a GitLab runner with privileged = true${usesTls(s) ? ` and "${dindClientCertDir}" in its volumes (the job reads the client certificates there)` : ''}; .gitlab-ci.yml cannot say so`,
          {
            path,
            hint: `register the runner with:\n${runnerSnippet(needs)}${s.strategy === 'dind-rootless' && usesTls(s) ? '\nthe rootless daemon runs as uid 1000 and must be able to write the certificates into that volume' : ''}`,
          },
        ),
      );
      if (s.cacheVolume) {
        diagnostics.push(
          diagnostic('PCI030', 'warning', `cacheVolume has no .gitlab-ci.yml spelling: GitLab keeps ${dataDir} only through a runner volume`, {
            path: `${path}.cacheVolume`,
            hint: `add "${dataDir}" to the runner's volumes (see the snippet above); give each concurrent job its own runner or the daemons will share one data directory:\n${runnerSnippet([`volumes = ${tomlList(volumes)}`])}`,
          }),
        );
      }
      const variables: Record<string, string> = { ...clientEnv(s, dindAlias) };
      if (s.resources) Object.assign(variables, kubernetesLimits('SERVICE_', s.resources));
      if (s.resources) diagnostics.push(resourcesNote(`${path}.resources`, 'service'));
      const args = daemonArgs(s);
      return {
        image: images.client,
        imageRequired: false,
        service: { name: images.daemon!, alias: dindAlias, variables: daemonEnv(s), ...(args.length > 0 ? { command: args } : {}) },
        variables,
        waitForDaemon: true,
        diagnostics,
      };
    }
    case 'socket': {
      diagnostics.push(
        diagnostic('PCI030', 'warning', 'the host Docker socket cannot be mounted from .gitlab-ci.yml: the runner must mount it into every job it runs', {
          path,
          hint: `add the socket to the runner's volumes (every job on that runner then holds root on the host; prefer a dedicated runner):\n${runnerSnippet([`volumes = ${tomlList([`${s.path}:/var/run/docker.sock`])}`])}`,
        }),
      );
      return { image: images.client, imageRequired: false, variables: {}, waitForDaemon: true, diagnostics };
    }
    case 'socket-proxy': {
      diagnostics.push(
        diagnostic('PCI030', 'warning', `the socket proxy service needs the host socket, which only the runner can mount; GitLab mounts runner volumes into the job container too, so the job can bypass the proxy's allow-list`, {
          path,
          hint: `run it on a dedicated runner with:\n${runnerSnippet([`volumes = ${tomlList([`${s.path}:/var/run/docker.sock:ro`])}`])}\nor run the proxy outside GitLab and point DOCKER_HOST at it; kaniko or buildkit need no socket at all`,
        }),
      );
      // Job variables reach services too: pin every section so none can be switched on from the job.
      const env = daemonEnv(s);
      for (const section of socketProxySections) env[section] ??= '0';
      const variables = Object.fromEntries(Object.keys(env).sort().map((k) => [k, env[k]]));
      return {
        image: images.client,
        imageRequired: false,
        service: { name: images.daemon!, alias: socketProxyAlias, variables },
        variables: clientEnv(s, socketProxyAlias),
        waitForDaemon: true,
        diagnostics,
      };
    }
    case 'kaniko':
    case 'buildah':
    case 'buildkit': {
      if (s.strategy === 'buildkit') {
        diagnostics.push(
          diagnostic('PCI030', 'info', 'rootless BuildKit needs seccomp and AppArmor unconfined, which only the runner can grant', {
            path,
            hint: `register the runner with:\n${runnerSnippet([`security_opt = ${tomlList(['seccomp:unconfined', 'apparmor:unconfined'])}`])}`,
          }),
        );
      }
      const variables: Record<string, string> = { ...builderEnv(s) };
      if (s.resources) {
        Object.assign(variables, kubernetesLimits('', s.resources));
        diagnostics.push(resourcesNote(`${path}.resources`, 'job'));
      }
      return { image: { name: images.client, entrypoint: [''] }, imageRequired: true, variables, waitForDaemon: false, diagnostics };
    }
  }
}

/** Kubernetes executor overwrites: KUBERNETES_[SERVICE_]CPU_LIMIT / MEMORY_LIMIT. */
export function kubernetesLimits(prefix: '' | 'SERVICE_', resources: { cpu?: string; memory?: string }): Record<string, string> {
  const out: Record<string, string> = {};
  if (resources.cpu) out[`KUBERNETES_${prefix}CPU_LIMIT`] = resources.cpu;
  if (resources.memory) out[`KUBERNETES_${prefix}MEMORY_LIMIT`] = resources.memory;
  return out;
}

export function resourcesNote(path: string, container: 'job' | 'service'): Diagnostic {
  const which = container === 'service' ? 'service_cpu_limit_overwrite_max_allowed / service_memory_limit_overwrite_max_allowed' : 'cpu_limit_overwrite_max_allowed / memory_limit_overwrite_max_allowed';
  return diagnostic('PCI030', 'info', `resource limits are set through KUBERNETES_* variables, which only the Kubernetes executor reads, up to the runner's ${which}`, {
    path,
    hint: `set ${which} in the runner's [runners.kubernetes] section; other executors ignore these variables`,
  });
}
