/**
 * A job's containers as the pod template of the Kubernetes plugin's declarative
 * agent, `agent { kubernetes { yaml '''...''' } }`. The plugin adds its own `jnlp`
 * container and shares the workspace volume with every container.
 * https://plugins.jenkins.io/kubernetes/#plugin-content-declarative-pipeline
 * https://kubernetes.io/docs/reference/kubernetes-api/workload-resources/pod-v1/
 */
import { toYaml, type Resources, type YamlValue } from '@polyci/core';
import type { ContainerPlan, JobContainer } from './containers';

function resourcesOf(r: Resources | undefined): YamlValue {
  if (!r || (r.cpu === undefined && r.memory === undefined)) return undefined;
  const q = { cpu: r.cpu, memory: r.memory };
  return { requests: q, limits: q };
}

function envOf(env: Record<string, string>): YamlValue {
  const names = Object.keys(env);
  return names.length === 0 ? undefined : names.map((name) => ({ name, value: env[name] }));
}

function securityContextOf(c: JobContainer): YamlValue {
  if (c.privileged) return { privileged: true };
  if (c.unconfined) {
    // rootlesskit maps users with the setuid newuidmap, so privilege escalation stays allowed.
    return { runAsUser: 1000, runAsGroup: 1000, seccompProfile: { type: 'Unconfined' }, appArmorProfile: { type: 'Unconfined' } };
  }
  if (c.role === 'builder' || c.role === 'service') return { allowPrivilegeEscalation: false };
  // The docker CLI and the job's image need no capability of their own.
  if (c.role === 'job' && c.name === 'docker') return { allowPrivilegeEscalation: false, capabilities: { drop: ['ALL'] } };
  return { allowPrivilegeEscalation: false };
}

function containerOf(c: JobContainer): YamlValue {
  // Containers that run the job's steps idle until the plugin execs the steps into them.
  const idles = c.role === 'job' || c.role === 'builder';
  return {
    name: c.name,
    image: c.image,
    command: idles ? [c.overrideEntrypoint && c.image.includes('kaniko') ? '/busybox/cat' : 'cat'] : undefined,
    args: !idles && c.args && c.args.length > 0 ? c.args : undefined,
    tty: idles ? true : undefined,
    env: envOf(c.env),
    resources: resourcesOf(c.resources),
    securityContext: securityContextOf(c),
    volumeMounts: c.mounts.length === 0 ? undefined : c.mounts.map((m) => ({ name: m.volume, mountPath: m.path, readOnly: m.readOnly })),
  };
}

/**
 * The pod YAML of a job. `memo`, one per emit, maps what the pod is made of (the plan's
 * containers and the socket path, as JSON) to its YAML: the jobs of a large pipeline
 * share a few pod shapes, and writing YAML costs far more than naming its input.
 */
export function podYaml(plan: ContainerPlan, memo?: Map<string, string>): string {
  if (!memo) return writePod(plan);
  const key = JSON.stringify([plan.containers, socketPath(plan)]);
  let yaml = memo.get(key);
  if (yaml === undefined) {
    yaml = writePod(plan);
    memo.set(key, yaml);
  }
  return yaml;
}

function socketPath(plan: ContainerPlan): string | undefined {
  return plan.strategy && 'path' in plan.strategy ? plan.strategy.path : '/var/run/docker.sock';
}

function writePod(plan: ContainerPlan): string {
  const volumes: YamlValue[] = [];
  const used = new Set(plan.containers.flatMap((c) => c.mounts.map((m) => m.volume)));
  if (used.has('docker-certs')) volumes.push({ name: 'docker-certs', emptyDir: {} });
  if (used.has('docker-data')) volumes.push({ name: 'docker-data', emptyDir: {} });
  if (used.has('docker-socket')) volumes.push({ name: 'docker-socket', hostPath: { path: socketPath(plan), type: 'Socket' } });
  // Services are reached by their alias, as on every other target: in a pod that is localhost.
  const aliases = plan.containers.filter((c) => c.role === 'service' && c.alias).map((c) => c.alias!);
  const pod: YamlValue = {
    apiVersion: 'v1',
    kind: 'Pod',
    spec: {
      hostAliases: aliases.length > 0 ? [{ ip: '127.0.0.1', hostnames: aliases }] : undefined,
      containers: plan.containers.map(containerOf),
      volumes: volumes.length > 0 ? volumes : undefined,
    },
  };
  return toYaml(pod);
}
