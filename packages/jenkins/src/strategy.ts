/**
 * What Jenkins adds to the risk of a job's daemon strategy, beyond core's policy
 * findings: who must allow what (the Kubernetes cloud, the agent's Docker daemon).
 */
import { diagnostic, formatPath, type Diagnostic, type Job } from '@polyci/core';
import type { ContainerPlan } from './containers';
import type { JenkinsOptions } from './options';

export function strategyDiagnostics(job: Job, id: string, plan: ContainerPlan, options: JenkinsOptions, out: Diagnostic[]): void {
  const s = plan.strategy;
  if (!s) return;
  const at = formatPath(['jobs', id, 'docker']);
  const kubernetes = options.agent === 'kubernetes' && !plan.hostSocket;
  if (s.strategy === 'socket') {
    out.push(diagnostic('PCI030', 'warning', `job "${id}" runs in a docker agent with the node's Docker socket mounted: it needs a Jenkins node with Docker, and every build there controls that node's daemon${options.agent === 'kubernetes' ? ' (a Kubernetes pod template cannot say this safely, so this job leaves Kubernetes)' : ''}`, { path: at, hint: 'prefer kaniko or buildkit (a plain pod) or dind-rootless; if the socket stays, give these jobs dedicated nodes by runner.labels' }));
  }
  if (plan.containers.some((c) => c.privileged)) {
    out.push(
      kubernetes
        ? diagnostic('PCI030', 'warning', `the pod template of job "${id}" has a privileged container (${s.strategy}): the Kubernetes cloud's namespace must admit privileged pods`, { path: at, hint: 'kaniko, buildah or buildkit run in a pod without privilege' })
        : diagnostic('PCI030', 'warning', `job "${id}" starts a privileged container (${s.strategy}) on the agent's Docker daemon`, { path: at, hint: 'kaniko, buildah or buildkit need no privilege' }),
    );
  }
  if ('cacheVolume' in s && s.cacheVolume) {
    out.push(
      kubernetes
        ? diagnostic('PCI030', 'warning', `job "${id}" keeps the daemon's storage in an emptyDir volume, which lives only as long as the build's pod`, { path: formatPath(['jobs', id, 'docker', 'cacheVolume']), hint: 'for layers that outlive a build, push and pull a registry cache (buildImage cacheFrom/cacheTo)' })
        : diagnostic('PCI030', 'warning', `job "${id}" keeps the daemon's storage in the Docker volume polyci-docker-cache-${id.replace(/[^A-Za-z0-9_.-]/g, '-')} on the agent: two concurrent builds of this job would share it`, { path: formatPath(['jobs', id, 'docker', 'cacheVolume']), hint: 'run builds of this job one at a time (disableConcurrentBuilds) or use a registry cache' }),
    );
  }
  if (s.strategy === 'buildkit') {
    out.push(diagnostic('PCI030', 'info', `job "${id}" runs rootless BuildKit with seccomp and AppArmor unconfined (no privilege)`, { path: at, hint: 'rootless BuildKit needs them to create its user namespace' }));
  }
}
