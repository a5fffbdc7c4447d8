/**
 * Options of the Buildkite target (`--option buildkite.KEY=VALUE`, or
 * `pipeline.vendor.buildkite`), checked here as graphql-codegen plugins check
 * their own config: a bad option fails with this target's message (PCI032).
 */
import { diagnostic, targetIds, type Diagnostic, type EmitOptions, type Pipeline } from '@polyci/core';

export interface BuildkiteOptions {
  /** Kubernetes Secret with the git credentials of the checkout (agent-stack-k8s `gitEnvFrom`). */
  gitCredentialsSecret?: string;
}

/** Option keys and what they hold, for messages. */
export const buildkiteOptionKeys: Record<keyof BuildkiteOptions, string> = {
  gitCredentialsSecret: 'name of a Kubernetes Secret holding the git credentials (SSH key or token) for checkout',
};

/** Keys of `pipeline.vendor.buildkite` that are options, not pipeline keys. */
export const vendorOptionKeys = new Set<string>(Object.keys(buildkiteOptionKeys));

// A Kubernetes object name: a DNS-1123 subdomain.
const kubernetesName = /^[a-z0-9]([-a-z0-9]*[a-z0-9])?(\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*$/;

/** The target's options from the emit options and the pipeline, with a diagnostic for each bad one. */
export function readBuildkiteOptions(pipeline: Pipeline, options: EmitOptions): { options: BuildkiteOptions; diagnostics: Diagnostic[] } {
  const diagnostics: Diagnostic[] = [];
  const known = new Set<string>(['source', ...targetIds, ...Object.keys(buildkiteOptionKeys)]);
  for (const key of Object.keys(options)) {
    if (!known.has(key)) {
      diagnostics.push(diagnostic('PCI032', 'warning', `unknown buildkite option "${key}"`, { path: `options.buildkite.${key}`, hint: `known options: ${Object.keys(buildkiteOptionKeys).join(', ')}` }));
    }
  }
  const fromVendor = pipeline.vendor?.buildkite ?? {};
  const result: BuildkiteOptions = {};
  const secret = options.gitCredentialsSecret ?? fromVendor.gitCredentialsSecret;
  if (secret !== undefined) {
    const where = options.gitCredentialsSecret !== undefined ? 'options.buildkite.gitCredentialsSecret' : 'vendor.buildkite.gitCredentialsSecret';
    if (typeof secret !== 'string' || secret.length > 253 || !kubernetesName.test(secret)) {
      diagnostics.push(diagnostic('PCI032', 'error', `gitCredentialsSecret must be the name of a Kubernetes Secret (lower-case DNS name), got ${JSON.stringify(secret)}`, { path: where, hint: 'e.g. --option buildkite.gitCredentialsSecret=git-ssh-keys' }));
    } else result.gitCredentialsSecret = secret;
  }
  return { options: result, diagnostics };
}
