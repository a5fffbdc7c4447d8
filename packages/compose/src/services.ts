/**
 * A job's service containers (postgres, redis ...) as compose services on the
 * job's network, reachable by their alias as on every CI system. The runner
 * starts once they are started; the IR says nothing about their health.
 */
import { diagnostic, formatPath, type Diagnostic, type Job } from '@polyci/core';
import { literal } from './interpolation';
import type { ComposeService } from './model/service';
import { daemonAlias, dindService, jobNetwork, proxyService, sidecarService } from './names';

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
  job.services.forEach((svc, i) => {
    const at = formatPath(['jobs', jobId, 'services', i, 'alias']);
    const name = sidecarService(jobId, svc.alias);
    if (reserved.has(name) || (hasDaemon && svc.alias === daemonAlias) || seen.has(svc.alias)) {
      diagnostics.push(
        diagnostic('PCI030', 'error', `service alias "${svc.alias}" clashes with ${seen.has(svc.alias) ? 'another service of the job' : "the job's Docker daemon in compose"}`, {
          path: at,
          hint: `rename the service (compose names it ${name} and reaches the daemon as "${daemonAlias}")`,
        }),
      );
      return;
    }
    seen.add(svc.alias);
    const service: ComposeService = {
      image: literal(svc.image),
      ...(svc.command ? { command: svc.command.map(literal) } : {}),
      ...(svc.env && Object.keys(svc.env).length > 0 ? { environment: Object.fromEntries(Object.entries(svc.env).map(([k, v]) => [k, literal(v)])) } : {}),
      // reachable from the job's network only; nothing is published on the developer's host.
      ...(svc.ports && svc.ports.length > 0 ? { expose: svc.ports.map(String) } : {}),
      networks: { [jobNetwork(jobId)]: { aliases: [svc.alias] } },
    };
    sidecars.push({ name, service });
  });
  return { sidecars, diagnostics };
}
