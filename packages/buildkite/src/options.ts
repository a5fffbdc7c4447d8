/**
 * Options of the Buildkite target (`--option buildkite.KEY=VALUE`, or
 * `pipeline.vendor.buildkite`), checked here as graphql-codegen plugins check
 * their own config: a bad option fails with this target's message (PCI032).
 */
import { diagnostic, targetIds, type Diagnostic, type EmitOptions, type Pipeline } from '@polyci/core';

export interface BuildkiteOptions {
  /** Kubernetes Secret with the git credentials of the checkout (agent-stack-k8s `gitEnvFrom`). */
  gitCredentialsSecret?: string;
  /** Where job secrets come from: Buildkite secrets (the step's `secrets:`) or one Kubernetes Secret. */
  secretsFrom: 'buildkite' | 'kubernetes';
  /** The Kubernetes Secret that holds every job secret under its own name, when secretsFrom is kubernetes. */
  secretName: string;
}

/** Option keys and what they hold, for messages. */
export const buildkiteOptionKeys: Record<keyof BuildkiteOptions, string> = {
  gitCredentialsSecret: 'name of a Kubernetes Secret holding the git credentials (SSH key or token) for checkout',
  secretsFrom: 'buildkite (Buildkite secrets, the default) or kubernetes (secretKeyRef env from one Kubernetes Secret)',
  secretName: 'the Kubernetes Secret with a key per job secret (default polyci-secrets), when secretsFrom is kubernetes',
};

/** The Kubernetes Secret job secrets come from when no name is given. */
export const defaultSecretName = 'polyci-secrets';

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
  // A command-line option wins over the pipeline's own setting.
  const read = (key: keyof BuildkiteOptions) =>
    options[key] !== undefined ? { value: options[key], where: `options.buildkite.${key}` } : { value: fromVendor[key], where: `vendor.buildkite.${key}` };
  const result: BuildkiteOptions = { secretsFrom: 'buildkite', secretName: defaultSecretName };
  const secret = read('gitCredentialsSecret');
  if (secret.value !== undefined) {
    if (typeof secret.value !== 'string' || secret.value.length > 253 || !kubernetesName.test(secret.value)) {
      diagnostics.push(diagnostic('PCI032', 'error', `gitCredentialsSecret must be the name of a Kubernetes Secret (lower-case DNS name), got ${JSON.stringify(secret.value)}`, { path: secret.where, hint: 'e.g. --option buildkite.gitCredentialsSecret=git-ssh-keys' }));
    } else result.gitCredentialsSecret = secret.value;
  }
  const from = read('secretsFrom');
  if (from.value !== undefined) {
    if (from.value !== 'buildkite' && from.value !== 'kubernetes') {
      diagnostics.push(diagnostic('PCI032', 'error', `secretsFrom must be buildkite or kubernetes, got ${JSON.stringify(from.value)}`, { path: from.where, hint: 'e.g. --option buildkite.secretsFrom=kubernetes' }));
    } else result.secretsFrom = from.value;
  }
  const name = read('secretName');
  if (name.value !== undefined) {
    if (typeof name.value !== 'string' || name.value.length > 253 || !kubernetesName.test(name.value)) {
      diagnostics.push(diagnostic('PCI032', 'error', `secretName must be the name of a Kubernetes Secret (lower-case DNS name), got ${JSON.stringify(name.value)}`, { path: name.where, hint: `e.g. --option buildkite.secretName=${defaultSecretName}` }));
    } else result.secretName = name.value;
    if (result.secretsFrom !== 'kubernetes') diagnostics.push(diagnostic('PCI032', 'warning', 'secretName has no effect unless secretsFrom is kubernetes', { path: name.where }));
  }
  return { options: result, diagnostics };
}
