/**
 * The typed builder API for ci.config.ts. Everything here returns plain IR
 * objects; `defineConfig` only gives them types (validation happens when polyci
 * loads the file), as Vite's and projen's `defineConfig` do.
 */
import type { BuildImageInput, DockerStrategyInput, JobInput, PipelineInput, StepInput } from './ir';

/** Type a pipeline definition. */
export function defineConfig(config: PipelineInput): PipelineInput {
  return config;
}

/** Type a job. */
export function job(definition: JobInput): JobInput {
  return definition;
}

/** A shell step (sh, with `set -e` semantics: the step fails on the first failing command). */
export function run(script: string, options: { name?: string; env?: Record<string, string> } = {}): StepInput {
  return { ...options, run: script };
}

/** Check out the repository. */
export function checkout(options: { depth?: number; submodules?: boolean; name?: string } = {}): StepInput {
  const { name, ...rest } = options;
  return name ? { name, checkout: rest } : { checkout: rest };
}

/** Build (and push) an image with the job's docker strategy. */
export function buildImage(build: BuildImageInput, name?: string): StepInput {
  return name ? { name, buildImage: build } : { buildImage: build };
}

/** Docker daemon strategies, as builders: `docker.dind()`, `docker.kaniko()` ... */
export const docker = {
  dind: (o: Omit<Extract<DockerStrategyInput, { strategy: 'dind' }>, 'strategy'> = {}): DockerStrategyInput => ({ strategy: 'dind', ...o }),
  dindRootless: (o: Omit<Extract<DockerStrategyInput, { strategy: 'dind-rootless' }>, 'strategy'> = {}): DockerStrategyInput => ({ strategy: 'dind-rootless', ...o }),
  socket: (o: Omit<Extract<DockerStrategyInput, { strategy: 'socket' }>, 'strategy'> = {}): DockerStrategyInput => ({ strategy: 'socket', ...o }),
  socketProxy: (o: Omit<Extract<DockerStrategyInput, { strategy: 'socket-proxy' }>, 'strategy'> = {}): DockerStrategyInput => ({ strategy: 'socket-proxy', ...o }),
  kaniko: (o: Omit<Extract<DockerStrategyInput, { strategy: 'kaniko' }>, 'strategy'> = {}): DockerStrategyInput => ({ strategy: 'kaniko', ...o }),
  buildah: (o: Omit<Extract<DockerStrategyInput, { strategy: 'buildah' }>, 'strategy'> = {}): DockerStrategyInput => ({ strategy: 'buildah', ...o }),
  buildkit: (o: Omit<Extract<DockerStrategyInput, { strategy: 'buildkit' }>, 'strategy'> = {}): DockerStrategyInput => ({ strategy: 'buildkit', ...o }),
  auto: (): DockerStrategyInput => ({ strategy: 'auto' }),
};

/** Built-in variables, for template literals: `registry/app:${ci.buildNumber}`. */
export const ci = {
  buildNumber: '${POLYCI_BUILD_NUMBER}',
  commitSha: '${POLYCI_COMMIT_SHA}',
  branch: '${POLYCI_BRANCH}',
} as const;
