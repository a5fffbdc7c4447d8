/**
 * From a stage's draft to an IR job: settle the daemon strategy (pod template, docker
 * agent, or docker-workflow sidecars), the job's own image, its services, and remove
 * what polyci itself adds around a strategy (client environment, builder environment,
 * readiness waits), then turn build scripts back into `buildImage` steps.
 */
import {
  builderEnv,
  callsDocker,
  daemonDataDir,
  daemonPort,
  dindClientCertDir,
  shellWords,
  socketProxySections,
  strategyImages,
  usesTls,
  type ConcreteStrategy,
  type JobInput,
  type Service,
  type StepInput,
} from '@polyci/core';
import type { AgentFacts } from './agent';
import { buildFromScript } from './build-commands';
import { looksLikeSecret } from './credentials';
import type { ImportContext } from './context';
import type { JobDraft, Sidecar } from './draft';
import { imageFacts } from './images';
import type { PodContainer } from './pod';

/** Is `name=value` part of how polyci connects the job to its strategy? */
function isStrategyEnv(name: string, value: string, strategy: ConcreteStrategy | undefined): boolean {
  if (!strategy) return false;
  const port = daemonPort(strategy);
  if (name === 'DOCKER_HOST' && port !== undefined) return new RegExp(`^tcp://[A-Za-z0-9.-]+:${port}$`).test(value);
  if (usesTls(strategy) && name === 'DOCKER_TLS_VERIFY') return value === '1';
  if (usesTls(strategy) && name === 'DOCKER_CERT_PATH') return value === dindClientCertDir;
  return builderEnv(strategy)[name] === value;
}

function withoutStrategyEnv(env: Record<string, string>, strategy: ConcreteStrategy | undefined): Record<string, string> {
  return Object.fromEntries(Object.entries(env).filter(([k, v]) => !isStrategyEnv(k, v, strategy)));
}

function flagValues(args: string, ...names: string[]): string[] {
  const words = shellWords(args.replace(/<id>/g, 'ID')) ?? args.split(/\s+/);
  const out: string[] = [];
  for (let i = 0; i < words.length; i++) {
    for (const n of names) {
      if (words[i] === n && i + 1 < words.length) out.push(words[i + 1]);
      else if (n.startsWith('--') && words[i].startsWith(`${n}=`)) out.push(words[i].slice(n.length + 1));
    }
  }
  return out;
}

/** The strategy of docker-workflow sidecars (seed 003's pattern, and polyci's docker agent output). */
function sidecarStrategy(draft: JobDraft, ctx: ImportContext): { strategy?: ConcreteStrategy; daemon?: Sidecar } {
  for (const sc of draft.sidecars) {
    const facts = imageFacts(sc.image);
    if (facts.role === 'dind' || facts.role === 'dind-rootless') {
      const certDir = sc.env.DOCKER_TLS_CERTDIR ?? flagValues(sc.args, '-e', '--env').find((e) => e.startsWith('DOCKER_TLS_CERTDIR='))?.slice('DOCKER_TLS_CERTDIR='.length);
      const clientHosts = draft.steps.flatMap((s) => (s.inside ? flagValues(s.inside.args, '-e', '--env').filter((e) => e.startsWith('DOCKER_HOST=')) : []));
      const plain = certDir === '' || /(^|\s)--tls=false(\s|$)/.test(sc.command ?? '') || clientHosts.some((h) => /:2375$/.test(h));
      const probe: ConcreteStrategy = { strategy: facts.role, tls: !plain, cacheVolume: false };
      const dataDir = daemonDataDir(probe);
      const cache = flagValues(sc.args, '-v', '--volume').some((v) => v.endsWith(`:${dataDir}`) && !v.includes('ID'));
      const s: ConcreteStrategy = { strategy: facts.role, tls: !plain, cacheVolume: cache };
      if (facts.version) s.version = facts.version;
      if (!/(^|\s)--privileged(\s|$)/.test(sc.args)) ctx.report('PCI041', 'warning', `the ${facts.role} sidecar is not started with --privileged: its daemon cannot start`, sc.at);
      return { strategy: s, daemon: sc };
    }
    if (facts.role === 'socket-proxy') {
      const allow = socketProxySections.filter((section) => sc.env[section] === '1' || (sc.env[section] === undefined && ['EVENTS', 'PING', 'VERSION'].includes(section)));
      const socket = flagValues(sc.args, '-v', '--volume').find((v) => /docker\.sock(:ro)?$/.test(v));
      const s: ConcreteStrategy = { strategy: 'socket-proxy', allow: [...allow], path: socket?.split(':')[0] ?? '/var/run/docker.sock' };
      if (facts.version) s.version = facts.version;
      return { strategy: s, daemon: sc };
    }
  }
  return {};
}

function serviceFromSidecar(sc: Sidecar, linked: string | undefined): Service {
  const named = flagValues(sc.args, '--network-alias', '--name')[0];
  const alias = named ?? linked ?? sc.image.split('/').pop()!.split(':')[0].replace(/[^A-Za-z0-9_-]/g, '-');
  const svc: Service = { alias, image: sc.image };
  if (Object.keys(sc.env).length > 0) svc.env = { ...sc.env };
  if (sc.command) svc.command = shellWords(sc.command) ?? [sc.command];
  const ports = flagValues(sc.args, '-p', '--publish').map((p) => Number(p.split(':').pop()!.split('/')[0])).filter((n) => Number.isInteger(n) && n > 0 && n < 65536);
  if (ports.length > 0) svc.ports = ports;
  return svc;
}

function serviceFromContainer(c: PodContainer, localAliases: string[]): Service {
  const bare = c.name.replace(/^svc-/, '');
  const alias = localAliases.find((a) => a.toLowerCase().replace(/[^a-z0-9-]/g, '-') === bare) ?? c.name;
  const svc: Service = { alias: /^[A-Za-z_][A-Za-z0-9_-]{0,62}$/.test(alias) ? alias : c.name, image: c.image };
  if (Object.keys(c.env).length > 0) svc.env = { ...c.env };
  const command = [...(c.command ?? []), ...(c.args ?? [])];
  if (command.length > 0) svc.command = command;
  if (c.ports.length > 0) svc.ports = c.ports;
  return svc;
}

/** The job's image, when `image` is not just the strategy's own client. */
function ownImage(image: string | undefined, strategy: ConcreteStrategy | undefined): string | undefined {
  if (!image) return undefined;
  if (strategy && image === strategyImages(strategy).client) return undefined;
  return image;
}

/** Turn a stage's draft into an IR job. */
export function finishJob(draft: JobDraft, agent: AgentFacts | undefined, ctx: ImportContext): JobInput {
  const job: JobInput = { needs: draft.needs, steps: [] };
  if (draft.name) job.name = draft.name;
  let strategy = agent?.strategy;
  const env: Record<string, string> = { ...draft.env };
  // Container env (pod template, docker agent args) has not been through readEnvironment's credential check.
  const containerEnv: Record<string, string> = {};
  const services: Service[] = [...draft.services];
  let image: string | undefined;
  let resources = agent?.resources;

  if (agent?.kind === 'docker' && agent.image) {
    const role = imageFacts(agent.image).role;
    if (!strategy && (role === 'kaniko' || role === 'buildah' || role === 'buildkit')) {
      const version = imageFacts(agent.image).version;
      strategy = version ? { strategy: role, version } : { strategy: role };
    }
    image = ownImage(agent.image, strategy);
    Object.assign(containerEnv, withoutStrategyEnv(agent.env, strategy));
    if (typeof agent.vendor.dockerArgs === 'string' && strategy) {
      // the flags polyci gives builder images in a docker agent
      const rest = agent.vendor.dockerArgs.split(' ').filter((w) => !/^(--entrypoint=|--user=0:0|--security-opt=(seccomp|apparmor)=unconfined)$/.test(w));
      if (rest.length > 0) agent.vendor.dockerArgs = rest.join(' ');
      else delete agent.vendor.dockerArgs;
    }
  }

  if (agent?.kind === 'kubernetes' && agent.pod) {
    const pod = agent.pod;
    const used = new Set(draft.steps.map((s) => s.container ?? agent.defaultContainer).filter((c): c is string => !!c));
    for (const c of pod.containers) {
      if (c.role === 'jnlp' || c.name === pod.strategyContainer) continue;
      if (used.has(c.name)) {
        const own = ownImage(c.image, strategy);
        if (own && image && own !== image) ctx.report('PCI041', 'warning', `steps run in several containers (${[...used].join(', ')}); the job keeps the image ${image}`, agent.at ?? draft.at);
        else if (own) image = own;
        if (c.resources) resources = c.resources;
        const rest = withoutStrategyEnv(c.env, strategy);
        Object.assign(containerEnv, rest);
        if (c.envFrom.length > 0) ctx.report('PCI041', 'warning', `container ${c.name} takes ${c.envFrom.join(', ')} from Kubernetes objects (valueFrom): not carried over`, agent.at ?? draft.at);
      } else if (!c.idle && c.role !== 'docker-cli') services.push(serviceFromContainer(c, pod.localAliases));
    }
    // A pod shared by all stages: a stage that neither uses the builder nor calls docker does not need the strategy.
    if (agent.pipelineLevel && strategy && pod.strategyContainer) {
      const daemonless = ['kaniko', 'buildah', 'buildkit'].includes(strategy.strategy);
      const clients = pod.containers.filter((c) => c.role === 'docker-cli').map((c) => c.name);
      const needed = daemonless ? used.has(pod.strategyContainer) : clients.some((c) => used.has(c)) || draft.steps.some((s) => 'run' in s.step && callsDocker(s.step.run));
      if (!needed) strategy = undefined;
    }
  }

  if (!strategy && draft.sidecars.length > 0) {
    const found = sidecarStrategy(draft, ctx);
    strategy = found.strategy;
    // `inside("--link ${db.id}:db")` names the sidecar the steps reach
    const links = draft.steps.flatMap((st) => (st.inside ? flagValues(st.inside.args, '--link') : [])).map((l) => l.split(':')[1]).filter((a): a is string => !!a && /^[A-Za-z_][A-Za-z0-9_-]*$/.test(a));
    // the daemon's link is the docker hostname (seed 003: --link <id>:docker)
    const serviceLinks = [...new Set(links)].filter((a) => !(found.daemon && a === 'docker'));
    let next = 0;
    for (const sc of draft.sidecars) {
      if (sc === found.daemon) continue;
      const named = flagValues(sc.args, '--network-alias', '--name').length > 0;
      services.push(serviceFromSidecar(sc, named ? undefined : serviceLinks[next++]));
    }
  }
  for (const s of draft.steps) {
    if (!s.inside) continue;
    const socket = flagValues(s.inside.args, '-v', '--volume').find((v) => /docker\.sock:\/var\/run\/docker\.sock$/.test(v));
    if (socket && !strategy) strategy = { strategy: 'socket', path: socket.split(':')[0] };
    const role = imageFacts(s.inside.image).role;
    if (!strategy && (role === 'kaniko' || role === 'buildah' || role === 'buildkit')) strategy = { strategy: role };
    if (role === 'kaniko' || role === 'buildah' || role === 'buildkit' || role === 'dind' || role === 'dind-rootless') continue;
    const own = ownImage(s.inside.image, strategy) ?? (role === 'docker-cli' && strategy ? undefined : s.inside.image);
    if (own && !image) image = own;
  }

  if (strategy) job.docker = strategy;
  if (image) job.image = image;
  if (resources || agent?.labels) job.runner = { ...(agent?.labels ? { labels: agent.labels } : {}), ...(resources ? { resources } : {}) };

  const secrets = [...draft.secrets];
  const literalCredential = (name: string, where: string) => {
    ctx.report('PCI044', 'warning', `${where} sets ${name} to a literal credential: it becomes the secret ${name}, and its value is not imported`, agent?.at ?? draft.at, `keep it in a Jenkins credential (or a Kubernetes Secret) and bind it as ${name}`);
    if (!secrets.includes(name)) secrets.push(name);
  };
  for (const [name, value] of Object.entries(withoutStrategyEnv(containerEnv, strategy))) {
    if (looksLikeSecret(name, value)) literalCredential(name, 'the job container');
    else env[name] = value;
  }
  for (const svc of services) {
    for (const [name, value] of Object.entries(svc.env ?? {})) {
      if (!looksLikeSecret(name, value)) continue;
      literalCredential(name, `service ${svc.alias}`);
      svc.env![name] = `\${${name}}`;
    }
  }
  const cleanEnv = withoutStrategyEnv(env, strategy);
  if (Object.keys(cleanEnv).length > 0) job.env = cleanEnv;
  if (secrets.length > 0) job.secrets = secrets;
  if (services.length > 0) job.services = services;
  if (draft.conditions && Object.keys(draft.conditions).length > 0) job.conditions = draft.conditions;
  if (draft.timeoutMinutes !== undefined) job.timeoutMinutes = draft.timeoutMinutes;
  if (draft.retry !== undefined) job.retry = draft.retry;
  if (draft.artifacts && draft.artifacts.length > 0) job.artifacts = { paths: draft.artifacts };

  const steps: StepInput[] = [];
  const hasAgent = agent !== undefined && agent.kind !== 'none';
  if (hasAgent && !draft.skipDefaultCheckout && !draft.steps.some((s) => 'checkout' in s.step)) steps.push({ checkout: {} });
  for (const s of draft.steps) {
    const step = s.step;
    if ('run' in step && !step.env) {
      const build = buildFromScript(step.run, strategy);
      if (build) {
        steps.push(step.name ? { name: step.name, buildImage: build } : { buildImage: build });
        continue;
      }
    }
    steps.push(step);
  }
  job.steps = steps;
  const vendor = { ...(agent?.vendor ?? {}), ...draft.vendor };
  if (Object.keys(vendor).length > 0) job.vendor = { jenkins: vendor };
  return job;
}
