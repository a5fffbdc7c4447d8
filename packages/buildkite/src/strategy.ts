/**
 * Each Docker daemon strategy as agent-stack-k8s pod pieces: the daemon (or proxy)
 * as a native sidecar reached on localhost inside the pod, or the daemonless
 * builder as the pod's command container, each with the security context it needs
 * and no privilege it does not.
 * https://buildkite.com/docs/agent/v3/agent-stack-k8s/sidecars
 */
import {
  builderEnv,
  clientEnv,
  daemonDataDir,
  daemonEnv,
  diagnostic,
  dindClientCertDir,
  strategyImages,
  usesTls,
  type ConcreteStrategy,
  type Diagnostic,
  type Resources,
} from '@polyci/core';
import { envVars, type K8sContainer, type K8sVolume } from './kubernetes';

/** What a strategy adds to the pod of a job. */
export interface StrategyPod {
  /** Image of the command container when the job names none (or must use this one). */
  image: string;
  /** True when the builder itself must be the command container (daemonless). */
  builderIsContainer: boolean;
  containerEnv: Record<string, string>;
  containerSecurityContext: Record<string, unknown>;
  containerMounts: { name: string; mountPath: string; readOnly?: boolean }[];
  sidecars: K8sContainer[];
  volumes: K8sVolume[];
  extraVolumeMounts: { name: string; mountPath: string }[];
  annotations: Record<string, string>;
  /** A sidecar daemon starts with the job: the first docker command must wait for it. */
  waitForDaemon: boolean;
  diagnostics: Diagnostic[];
}

/** Sidecar and volume names polyci uses; the importer recognises them. */
export const podNames = {
  dind: 'dind',
  socketProxy: 'docker-socket-proxy',
  certs: 'docker-certs',
  data: 'docker-data',
  socket: 'docker-socket',
  buildkitState: 'buildkit-state',
} as const;

/** Resource limits a daemon sidecar gets when the IR names none: a runaway build must not starve the node. */
export const defaultDaemonResources = { requests: { cpu: '500m', memory: '512Mi' }, limits: { cpu: '2', memory: '4Gi' } };
const proxyResources = { requests: { cpu: '50m', memory: '32Mi' }, limits: { cpu: '250m', memory: '128Mi' } };

/** IR resources as requests = limits, so the scheduler reserves what the job may use. */
export function containerResources(r: Resources | undefined): K8sContainer['resources'] | undefined {
  if (!r || (r.cpu === undefined && r.memory === undefined)) return undefined;
  const q: Record<string, string> = {};
  if (r.cpu !== undefined) q.cpu = r.cpu;
  if (r.memory !== undefined) q.memory = r.memory;
  return { requests: { ...q }, limits: { ...q } };
}

/**
 * The first (and only) command container agent-stack-k8s names `container-0`; the
 * AppArmor annotation must use that name (clusters before Kubernetes 1.30 read only it).
 */
export const commandContainerName = 'container-0';
const apparmorAnnotation = `container.apparmor.security.beta.kubernetes.io/${commandContainerName}`;

/** The pod pieces of a strategy; `path` is the IR path of the job's `docker`. */
export function strategyPod(s: ConcreteStrategy, path: string): StrategyPod {
  const images = strategyImages(s);
  const pod: StrategyPod = {
    image: images.client,
    builderIsContainer: false,
    containerEnv: {},
    // The docker CLI needs no privilege of its own.
    containerSecurityContext: { allowPrivilegeEscalation: false },
    containerMounts: [],
    sidecars: [],
    volumes: [],
    extraVolumeMounts: [],
    annotations: {},
    waitForDaemon: false,
    diagnostics: [],
  };
  switch (s.strategy) {
    case 'dind':
    case 'dind-rootless': {
      const tls = usesTls(s);
      const sidecar: K8sContainer = {
        name: podNames.dind,
        image: images.daemon!,
        command: ['dockerd-entrypoint.sh'],
        // Without TLS the entrypoint would listen on 0.0.0.0:2375, open to every pod of the
        // cluster; the job reaches it on localhost, so only the loopback listener is started.
        ...(tls ? {} : { args: ['dockerd', '--host=tcp://127.0.0.1:2375', '--tls=false'] }),
        env: envVars(daemonEnv(s)),
        resources: containerResources(s.resources) ?? defaultDaemonResources,
        // dockerd needs privileged for its own namespaces and cgroups; rootless still needs it on most clusters.
        securityContext: s.strategy === 'dind' ? { privileged: true } : { privileged: true, runAsUser: 1000, runAsGroup: 1000 },
      };
      if (s.cacheVolume) {
        sidecar.volumeMounts = [{ name: podNames.data, mountPath: daemonDataDir(s)! }];
        pod.volumes.push({ name: podNames.data, emptyDir: {} });
        pod.diagnostics.push(
          diagnostic('PCI030', 'warning', 'agent-stack-k8s runs one pod per job: the Docker cache volume is an emptyDir that keeps layers for this job only', {
            path: `${path}.cacheVolume`,
            hint: 'share layers between builds with buildImage cacheFrom/cacheTo (a registry cache)',
          }),
        );
      }
      if (tls) {
        // Only the client half of the certificates is shared; the CA key stays in the sidecar.
        pod.volumes.unshift({ name: podNames.certs, emptyDir: {} });
        pod.extraVolumeMounts.push({ name: podNames.certs, mountPath: dindClientCertDir });
      }
      pod.sidecars.push(sidecar);
      pod.containerEnv = clientEnv(s, 'localhost');
      pod.waitForDaemon = true;
      pod.diagnostics.push(
        diagnostic('PCI030', 'info', `the ${s.strategy} sidecar runs privileged: the agent-stack-k8s namespace must admit privileged pods (Pod Security level "privileged")`, {
          path,
          hint: 'kaniko or buildkit need no privileged container',
        }),
      );
      break;
    }
    case 'socket':
      pod.volumes.push({ name: podNames.socket, hostPath: { path: s.path, type: 'Socket' } });
      // Mounted in the command container only, not through extraVolumeMounts: the checkout container has no use for the host daemon.
      pod.containerMounts.push({ name: podNames.socket, mountPath: '/var/run/docker.sock' });
      pod.diagnostics.push(
        diagnostic('PCI030', 'info', 'the host socket is a hostPath volume: the agent-stack-k8s namespace must admit hostPath volumes (Pod Security level "privileged")', {
          path,
          hint: 'socket-proxy limits the API; kaniko or buildkit need no host access',
        }),
      );
      break;
    case 'socket-proxy':
      pod.volumes.push({ name: podNames.socket, hostPath: { path: s.path, type: 'Socket' } });
      pod.sidecars.push({
        name: podNames.socketProxy,
        image: images.daemon!,
        env: envVars(daemonEnv(s)),
        resources: proxyResources,
        // The proxy only needs to open the socket as root; no privileged, no escalation.
        securityContext: { allowPrivilegeEscalation: false },
        volumeMounts: [{ name: podNames.socket, mountPath: '/var/run/docker.sock', readOnly: true }],
      });
      pod.containerEnv = clientEnv(s, 'localhost');
      pod.waitForDaemon = true;
      pod.diagnostics.push(
        diagnostic('PCI030', 'info', "the socket proxy's port 2375 is reachable from the pod network, not only from the job", {
          path,
          hint: 'restrict ingress to agent-stack-k8s pods with a NetworkPolicy',
        }),
      );
      break;
    case 'kaniko':
      pod.builderIsContainer = true;
      // The debug image has a shell only at /busybox/sh; the agent runs commands with $BUILDKITE_SHELL.
      pod.containerEnv = { ...builderEnv(s), BUILDKITE_SHELL: '/busybox/sh -e -c' };
      // kaniko unpacks base images as root, but needs neither privileged nor escalation.
      pod.containerSecurityContext = { runAsUser: 0, allowPrivilegeEscalation: false };
      break;
    case 'buildah':
      pod.builderIsContainer = true;
      pod.containerEnv = builderEnv(s);
      // vfs storage and chroot isolation: root in the container, not privileged.
      pod.containerSecurityContext = { runAsUser: 0, allowPrivilegeEscalation: false };
      break;
    case 'buildkit':
      pod.builderIsContainer = true;
      pod.containerEnv = builderEnv(s);
      // Rootless buildkitd as buildkit's own examples/kubernetes run it: uid 1000 and no seccomp or AppArmor
      // profile (it mounts its own filesystems); newuidmap is setuid, so escalation stays allowed.
      pod.containerSecurityContext = {
        runAsUser: 1000,
        runAsGroup: 1000,
        seccompProfile: { type: 'Unconfined' },
        appArmorProfile: { type: 'Unconfined' },
      };
      pod.annotations[apparmorAnnotation] = 'unconfined';
      pod.volumes.push({ name: podNames.buildkitState, emptyDir: {} });
      pod.containerMounts.push({ name: podNames.buildkitState, mountPath: '/home/user/.local/share/buildkit' });
      pod.diagnostics.push(
        diagnostic('PCI030', 'info', 'rootless BuildKit runs with seccomp and AppArmor unconfined: the agent-stack-k8s namespace must admit that (Pod Security level "privileged"; "baseline" refuses it)', {
          path,
          hint: 'kaniko runs under the "baseline" level',
        }),
      );
      break;
  }
  return pod;
}
