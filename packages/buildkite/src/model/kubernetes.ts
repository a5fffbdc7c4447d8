/**
 * The agent-stack-k8s `kubernetes` plugin, as the importer reads it. agent-stack-k8s
 * decodes it with encoding/json into KubernetesPlugin, so unknown keys are dropped
 * without a word; the importer says so instead.
 * https://buildkite.com/docs/agent/v3/agent-stack-k8s/podspec
 */
import { z } from 'zod';

const obj = z.record(z.string(), z.unknown());

export const K8sEnvVarSchema = z.object({ name: z.string(), value: z.string().optional() }).passthrough();
export const K8sVolumeMountSchema = z.object({ name: z.string(), mountPath: z.string() }).passthrough();
export const K8sContainerSchema = z
  .object({
    name: z.string().optional(),
    image: z.string().optional(),
    command: z.array(z.string()).optional(),
    args: z.array(z.string()).optional(),
    env: z.array(K8sEnvVarSchema).optional(),
    resources: z.object({ limits: obj.optional(), requests: obj.optional() }).passthrough().optional(),
    securityContext: obj.optional(),
    volumeMounts: z.array(K8sVolumeMountSchema).optional(),
    ports: z.array(z.object({ containerPort: z.number() }).passthrough()).optional(),
  })
  .passthrough();
export type K8sContainerInput = z.infer<typeof K8sContainerSchema>;

export const K8sVolumeSchema = z
  .object({ name: z.string(), emptyDir: obj.nullable().optional(), hostPath: z.object({ path: z.string(), type: z.string().optional() }).passthrough().optional() })
  .passthrough();
export type K8sVolumeInput = z.infer<typeof K8sVolumeSchema>;

export const KubernetesPluginSchema = z
  .object({
    podSpec: z.object({ containers: z.array(K8sContainerSchema).optional(), volumes: z.array(K8sVolumeSchema).optional() }).passthrough().optional(),
    podSpecPatch: obj.optional(),
    sidecars: z.array(K8sContainerSchema).optional(),
    extraVolumeMounts: z.array(K8sVolumeMountSchema).optional(),
    gitEnvFrom: z.array(obj).optional(),
    checkout: obj.optional(),
    metadata: z.object({ annotations: z.record(z.string(), z.string()).optional(), labels: z.record(z.string(), z.string()).optional() }).passthrough().optional(),
  })
  .passthrough();
export type KubernetesPluginInput = z.infer<typeof KubernetesPluginSchema>;

/** Plugin names agent-stack-k8s treats as its own. */
export function isKubernetesPlugin(name: string): boolean {
  return /^(kubernetes|github\.com\/buildkite-plugins\/kubernetes-buildkite-plugin(\.git)?)(#.*)?$/.test(name);
}
