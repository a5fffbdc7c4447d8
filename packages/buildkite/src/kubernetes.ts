/**
 * The agent-stack-k8s `kubernetes` plugin, as polyci writes it: only the keys that
 * agent-stack-k8s decodes (KubernetesPlugin in internal/controller/scheduler/scheduler.go).
 * `mirrorVolumeMounts`, which Buildkite's own DinD page shows, is an Argo Workflows
 * field that agent-stack-k8s silently ignores; `extraVolumeMounts` is its real
 * spelling, added to every container and sidecar of the pod.
 * https://buildkite.com/docs/agent/v3/agent-stack-k8s/podspec
 */

/** A Kubernetes EnvVar with a literal value. */
export interface EnvVar {
  name: string;
  value: string;
}

/** A Kubernetes EnvVar read from a key of a Secret. */
export interface SecretEnvVar {
  name: string;
  valueFrom: { secretKeyRef: { name: string; key: string } };
}

/** The subset of a Kubernetes Container that polyci writes. */
export interface K8sContainer {
  name?: string;
  image: string;
  command?: string[];
  args?: string[];
  env?: (EnvVar | SecretEnvVar)[];
  ports?: { containerPort: number }[];
  resources?: { requests?: Record<string, string>; limits?: Record<string, string> };
  securityContext?: Record<string, unknown>;
  volumeMounts?: { name: string; mountPath: string; readOnly?: boolean }[];
}

export interface K8sVolume {
  name: string;
  emptyDir?: Record<string, never>;
  hostPath?: { path: string; type: string };
}

/** The plugin configuration, in the order keys are written. */
export interface KubernetesPluginConfig {
  metadata?: { annotations?: Record<string, string>; labels?: Record<string, string> };
  checkout?: Record<string, unknown>;
  gitEnvFrom?: { secretRef: { name: string } }[];
  sidecars?: K8sContainer[];
  extraVolumeMounts?: { name: string; mountPath: string; readOnly?: boolean }[];
  podSpec?: { hostAliases?: { ip: string; hostnames: string[] }[]; containers: K8sContainer[]; volumes?: K8sVolume[] };
  /** A strategic-merge patch of the pod agent-stack-k8s builds (its default container is container-0). */
  podSpecPatch?: { hostAliases?: { ip: string; hostnames: string[] }[]; containers?: { name: string; env?: SecretEnvVar[]; resources?: K8sContainer['resources'] }[] };
}

/** Top-level keys agent-stack-k8s decodes; anything else in the plugin is ignored by it. */
export const kubernetesPluginKeys = [
  'podSpec',
  'podSpecPatch',
  'podTemplate',
  'gitEnvFrom',
  'sidecars',
  'metadata',
  'extraVolumeMounts',
  'checkout',
  'commandParams',
  'sidecarParams',
  'jobActiveDeadlineSeconds',
] as const;

/** Kubernetes expands `$(VAR)` in command, args and env values; `$$` is its escape. */
export function escapeKubernetesExpansion(text: string): string {
  if (!text.includes('$')) return text;
  return text.replace(/\$/g, '$$$$');
}

/** The inverse of escapeKubernetesExpansion, for the importer. */
export function unescapeKubernetesExpansion(text: string): string {
  return text.replace(/\$\$/g, '$');
}

/** Env as Kubernetes EnvVars, in key order. */
export function envVars(env: Record<string, string>): EnvVar[] {
  return Object.keys(env).map((name) => ({ name, value: env[name] }));
}

/** A container name must be a DNS-1123 label. */
const containerName = /^[a-z0-9]([-a-z0-9]{0,61}[a-z0-9])?$/;

export function isContainerName(name: string): boolean {
  return containerName.test(name);
}
