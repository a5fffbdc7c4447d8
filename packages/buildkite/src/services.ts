/**
 * Job services (postgres, redis ...) as sidecars of the job's pod. Containers of a
 * pod share one network namespace, so a service listens on localhost; a
 * `hostAliases` entry makes its alias resolve there too, as on the other targets.
 * https://kubernetes.io/docs/tasks/network/customize-hosts-file-for-pods/
 */
import { diagnostic, formatPath, referencedVariables, type Diagnostic, type Job } from '@polyci/core';
import { escapeKubernetesExpansion, isContainerName, type K8sContainer } from './kubernetes';

const hostName = /^[a-z0-9]([-a-z0-9]*[a-z0-9])?$/i;

/** Service sidecars and the host aliases that name them. */
export function serviceSidecars(jobId: string, job: Job, taken: Set<string>): { sidecars: K8sContainer[]; aliases: string[]; diagnostics: Diagnostic[] } {
  const sidecars: K8sContainer[] = [];
  const aliases: string[] = [];
  const diagnostics: Diagnostic[] = [];
  for (let i = 0; i < job.services.length; i++) {
    const svc = job.services[i];
    // Named after its alias when that is a valid container name; agent-stack-k8s names the others sidecar-N.
    const named = isContainerName(svc.alias) && !taken.has(svc.alias);
    if (named) taken.add(svc.alias);
    const sidecar: K8sContainer = named ? { name: svc.alias, image: svc.image } : { image: svc.image };
    if (svc.command) sidecar.args = svc.command.map(escapeKubernetesExpansion);
    if (svc.env) {
      const env = svc.env;
      const names = Object.keys(env);
      sidecar.env = names.map((name) => ({ name, value: escapeKubernetesExpansion(env[name]) }));
      // Only a `$` can start a reference.
      const references = names.filter((name) => env[name].includes('$') && referencedVariables(env[name]).length > 0);
      if (references.length > 0) {
        diagnostics.push(
          diagnostic('PCI030', 'warning', `a sidecar's env is literal on Kubernetes: ${references.join(', ')} of service ${svc.alias} is passed as written, not expanded from the job's variables or secrets`, {
            path: `${formatPath(['jobs', jobId, 'services', i])}.env`,
            hint: 'give the sidecar its secret through vendor.buildkite.kubernetes (a secretKeyRef), or a literal test value',
          }),
        );
      }
    }
    if (svc.ports) sidecar.ports = svc.ports.map((containerPort) => ({ containerPort }));
    sidecar.securityContext = { allowPrivilegeEscalation: false };
    sidecars.push(sidecar);
    if (hostName.test(svc.alias)) aliases.push(svc.alias.toLowerCase());
    else {
      diagnostics.push(
        diagnostic('PCI030', 'warning', `service alias "${svc.alias}" is not a valid host name: the job reaches the service on localhost only`, {
          path: `${formatPath(['jobs', jobId, 'services', i])}.alias`,
          hint: 'use letters, digits and - in service aliases',
        }),
      );
    }
  }
  return { sidecars, aliases, diagnostics };
}
