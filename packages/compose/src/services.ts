/**
 * A job's service containers (postgres, redis ...) as compose services on the
 * job's network, reachable by their alias as on every CI system. The runner
 * starts once they are started; the IR says nothing about their health.
 */
import { diagnostic, formatPath, type Diagnostic, type Job } from '@polyci/core';
import { literal } from './interpolation';
import type { ComposeService } from './model/service';
import { daemonAlias, dindService, jobNetwork, oneByName, proxyService, sidecarService } from './names';

export interface JobSidecar {
  name: string;
  service: ComposeService;
}

/** The service containers of a job, and what clashes with polyci's own names. */
export function jobSidecars(jobId: string, job: Job, hasDaemon: boolean): { sidecars: JobSidecar[]; diagnostics: Diagnostic[] } {
  const diagnostics: Diagnostic[] = [];
  const sidecars: JobSidecar[] = [];
  const reserved = new Set([dindService(jobId), proxyService(jobId)]);
  const seen = new Set<string>();
  for (let i = 0; i < job.services.length; i++) {
    const svc = job.services[i];
    const name = sidecarService(jobId, svc.alias);
    if (reserved.has(name) || (hasDaemon && svc.alias === daemonAlias) || seen.has(svc.alias)) {
      diagnostics.push(
        diagnostic('PCI030', 'error', `service alias "${svc.alias}" clashes with ${seen.has(svc.alias) ? 'another service of the job' : "the job's Docker daemon in compose"}`, {
          path: formatPath(['jobs', jobId, 'services', i, 'alias']),
          hint: `rename the service (compose names it ${name} and reaches the daemon as "${daemonAlias}")`,
        }),
      );
      continue;
    }
    seen.add(svc.alias);
    const service: ComposeService = { image: literal(svc.image) };
    if (svc.command) service.command = svc.command.map(literal);
    const env = svc.env;
    // fromEntries, not assignment: a variable named __proto__ stays a key.
    if (env && Object.keys(env).length > 0) service.environment = Object.fromEntries(Object.keys(env).map((k) => [k, literal(env[k])]));
    // reachable from the job's network only; nothing is published on the developer's host.
    if (svc.ports && svc.ports.length > 0) service.expose = svc.ports.map(String);
    service.networks = oneByName(jobNetwork(jobId), { aliases: [svc.alias] });
    sidecars.push({ name, service });
  }
  return { sidecars, diagnostics };
}
