/**
 * Jenkins without Kubernetes: containers on the agent's own Docker daemon. One
 * container is the declarative `agent { docker { ... } }`; a daemon, proxy or service
 * beside it is the docker-workflow sidecar pattern (seed 003): a user-defined network
 * per build, `docker.image(...).run(...)` for each sidecar on it under its alias, and
 * `docker.image(...).inside(...)` for the steps.
 * https://www.jenkins.io/doc/book/pipeline/docker/#running-sidecar-containers
 * https://plugins.jenkins.io/docker-workflow/
 */
import { diagnostic, formatPath, shellQuote, type Diagnostic, type Job } from '@polyci/core';
import type { ContainerPlan, JobContainer } from './containers';
import { dockerResourceFlags } from './docker-resources';
import type { AgentView } from './emit';
import { labelExpression } from './groovy';
import type { ArgPart, StepView } from './steps';

/** Several containers need a build network; one fits the declarative docker agent. */
export function needsDockerWorkflow(plan: ContainerPlan): boolean {
  return plan.containers.length > 1 || (plan.containers.length === 1 && plan.containers[0].role === 'service');
}

/** docker run flags a step container needs (no network: the caller adds it). */
function stepContainerFlags(c: JobContainer, plan: ContainerPlan): string[] {
  const flags: string[] = [];
  if (c.overrideEntrypoint) flags.push('--entrypoint=');
  if (c.role === 'builder' && !c.unconfined) flags.push('--user=0:0');
  if (c.unconfined) flags.push('--security-opt=seccomp=unconfined', '--security-opt=apparmor=unconfined');
  for (const [k, v] of Object.entries(c.env)) flags.push(`--env=${k}=${v}`);
  if (plan.hostSocket && c.role === 'job') flags.push(`-v ${plan.hostSocket}:/var/run/docker.sock`);
  flags.push(...dockerResourceFlags(c.resources).flags);
  return flags;
}

/** The declarative docker agent for a job with a single container. */
export function dockerAgent(job: Job, plan: ContainerPlan): AgentView {
  const c = plan.containers[0];
  const flags = stepContainerFlags(c, plan);
  const agent: AgentView = { template: 'agent-docker', image: c.image };
  if (flags.length > 0) agent.args = flags.join(' ');
  if (job.runner?.labels?.length) agent.label = labelExpression(job.runner.labels);
  return agent;
}

// docker-workflow's run() hands its arguments and the image to `sh`, unquoted.
const safeImage = /^[A-Za-z0-9][A-Za-z0-9._/:@-]*$/;

function volumeArgs(c: JobContainer, plan: ContainerPlan, jobSlug: string): ArgPart[] {
  const parts: ArgPart[] = [];
  for (const m of c.mounts) {
    const ro = m.readOnly ? ':ro' : '';
    if (m.volume === 'docker-socket') parts.push({ text: ` --volume=${plan.strategy && 'path' in plan.strategy ? plan.strategy.path : '/var/run/docker.sock'}:${m.path}${ro}` });
    else if (m.volume === 'docker-data' && plan.strategy && 'cacheVolume' in plan.strategy && plan.strategy.cacheVolume) parts.push({ text: ` --volume=polyci-docker-cache-${jobSlug}:${m.path}${ro}` });
    else parts.push({ text: ' --volume=' }, { id: true }, { text: `-${m.volume}:${m.path}${ro}` });
  }
  return parts;
}

/** Merge adjacent literal parts. */
function joined(parts: ArgPart[]): ArgPart[] {
  const out: ArgPart[] = [];
  for (const p of parts) {
    const last = out[out.length - 1];
    if ('text' in p && last && 'text' in last) last.text += p.text;
    else out.push({ ...p });
  }
  return out;
}

/** The sidecar pattern: a build network, the sidecars on it, the steps in their containers. */
export function dockerWorkflowStep(id: string, plan: ContainerPlan, steps: { container?: string; step: StepView }[], diagnostics: Diagnostic[]): StepView {
  const jobSlug = id.replace(/[^A-Za-z0-9_.-]/g, '-');
  const byName = new Map(plan.containers.map((c) => [c.name, c]));
  const daemon = plan.containers.find((c) => c.role === 'daemon');
  plan.containers.forEach((c) => {
    if (c.role === 'service' && daemon && c.alias === daemon.alias) {
      diagnostics.push(diagnostic('PCI030', 'error', `service alias "${c.alias}" is the network alias of the job's ${plan.strategy?.strategy} sidecar`, { path: formatPath(['jobs', id, 'services']), hint: `rename the service: "${c.alias}" must answer for the Docker daemon` }));
    }
  });
  const sidecars = plan.containers
    .filter((c) => c.role === 'daemon' || c.role === 'service')
    .map((c) => {
      if (!safeImage.test(c.image)) {
        diagnostics.push(diagnostic('PCI030', 'error', `image "${c.image}" cannot be passed to docker-workflow's run(), which hands it to the shell`, { path: formatPath(['jobs', id, c.role === 'service' ? 'services' : 'docker']), hint: 'use a plain image reference (registry/name:tag or @sha256:...)' }));
      }
      const args: ArgPart[] = [
        { text: `${c.privileged ? '--privileged ' : ''}--network=` },
        { id: true },
        // The daemon's certificate names its hostname: the alias must be it for TLS to verify.
        { text: ` --network-alias=${c.alias}${c.role === 'daemon' ? ` --hostname=${c.alias}` : ''}` },
        // withEnv unsets a variable given an empty value (EnvVars.override), so empty ones are spelled out.
        ...Object.keys(c.env).map((k) => ({ text: c.env[k] === '' ? ` --env=${k}=` : ` --env=${k}` })),
        ...volumeArgs(c, plan, jobSlug),
        ...dockerResourceFlags(c.resources).flags.map((f) => ({ text: ` ${f}` })),
      ];
      return {
        image: c.image,
        // The values reach `docker run` through the environment, never through its command line.
        env: Object.entries(c.env).flatMap(([k, v]) => (v === '' ? [] : [`${k}=${v}`])),
        args: joined(args),
        command: c.args && c.args.length > 0 ? c.args.map(shellQuote).join(' ') : undefined,
      };
    });
  const groups: { image?: string; args: ArgPart[]; steps: StepView[] }[] = [];
  let current: { name?: string; group?: (typeof groups)[number] } = {};
  const loose: StepView[] = [];
  for (const { container, step } of steps) {
    const c = container ? byName.get(container) : undefined;
    if (!c) {
      loose.push(step);
      continue;
    }
    if (current.name !== container || !current.group) {
      const args: ArgPart[] = [{ text: '--network=' }, { id: true }, ...stepContainerFlags(c, plan).map((f) => ({ text: ` ${f}` })), ...volumeArgs(c, plan, jobSlug)];
      current = { name: container, group: { image: c.image, args: joined(args), steps: [] } };
      groups.push(current.group!);
    }
    current.group!.steps.push(step);
  }
  if (loose.length > 0) {
    diagnostics.push(diagnostic('PCI030', 'warning', `job "${id}" has services but no image: its steps run on the agent, outside the services' network`, { path: formatPath(['jobs', id, 'image']), hint: 'set `image` so the steps run in a container on the network where the services answer to their aliases' }));
    groups.push({ args: [], steps: loose });
  }
  const volumes = [...new Set(plan.containers.flatMap((c) => c.mounts.map((m) => m.volume)))].filter((v) => v !== 'docker-socket' && !(v === 'docker-data' && plan.strategy && 'cacheVolume' in plan.strategy && plan.strategy.cacheVolume));
  const cleanup = ['docker network rm "$POLYCI_ID" >/dev/null 2>&1 || true'];
  if (volumes.length > 0) cleanup.push(`docker volume rm ${volumes.map((v) => `"$POLYCI_ID-${v}"`).join(' ')} >/dev/null 2>&1 || true`);
  return { template: 'step-docker-workflow', suffix: `-${jobSlug}`, sidecars, groups, cleanup: cleanup.join('\n') };
}
