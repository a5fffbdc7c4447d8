/**
 * What each job's Docker strategy costs and means, for `polyci explain`: a row per
 * job, and the daemon topology as a mermaid flowchart (like the diagrams of seed 001).
 */
import type { ConcreteStrategy, Pipeline } from './ir';
import { daemonPort, strategyFacts, strategyImages, usesTls } from './strategy/facts';
import { jobStrategy } from './validate';

export interface JobExplanation {
  job: string;
  strategy: string;
  privileged: string;
  hostRootEquivalent: string;
  canRunContainers: boolean;
  transport: string;
  isolation: string;
  cache: string;
  saferAlternative: string;
}

function transport(s: ConcreteStrategy | undefined): string {
  if (!s) return 'no Docker access';
  if (s.strategy === 'socket') return `unix socket ${s.path} (host daemon)`;
  if (s.strategy === 'socket-proxy') return `tcp ${daemonPort(s)} to the proxy, allow: ${s.allow.join(', ')}`;
  const port = daemonPort(s);
  if (port !== undefined) return usesTls(s) ? `tcp ${port} with TLS client certificates` : `tcp ${port} without TLS`;
  return 'none: the builder runs in the job container';
}

/** One row per job: the strategy and what it costs. */
export function explainPipeline(pipeline: Pipeline): JobExplanation[] {
  return Object.entries(pipeline.jobs).map(([id, job]) => {
    const s = jobStrategy(job);
    if (!s) {
      return { job: id, strategy: 'none', privileged: 'no', hostRootEquivalent: 'no', canRunContainers: false, transport: transport(undefined), isolation: 'ordinary job container', cache: 'n/a', saferAlternative: '-' };
    }
    const f = strategyFacts[s.strategy];
    let cache = f.cache;
    if ((s.strategy === 'dind' || s.strategy === 'dind-rootless') && s.cacheVolume) cache = 'daemon data kept in a volume between builds';
    return {
      job: id,
      strategy: s.strategy === 'dind' || s.strategy === 'dind-rootless' ? `${s.strategy}${s.tls ? ' (TLS)' : ' (no TLS)'}` : s.strategy,
      privileged: f.privileged,
      hostRootEquivalent: f.hostRootEquivalent,
      canRunContainers: f.canRunContainers,
      transport: transport(s),
      isolation: f.isolation,
      cache,
      saferAlternative: f.saferAlternative,
    };
  });
}

/** How a target places things, for the diagram's labels. */
export interface TopologyLabels {
  /** What runs a job: "GitLab job (docker executor)", "Kubernetes pod". */
  unit: string;
  /** What a daemon beside the job is: "service", "sidecar". */
  beside: string;
}

const mermaidText = (s: string) => s.replace(/["<>]/g, (c) => ({ '"': '#quot;', '<': '#lt;', '>': '#gt;' })[c] ?? c);

/** A mermaid flowchart of every job's daemon topology. */
export function topologyMermaid(pipeline: Pipeline, labels: TopologyLabels): string {
  const lines = ['flowchart TB', '  subgraph Host["Host"]', '    HD[("host Docker daemon")]'];
  let n = 0;
  for (const [id, job] of Object.entries(pipeline.jobs)) {
    const s = jobStrategy(job);
    const k = n++;
    const jobNode = `J${k}`;
    lines.push(`    subgraph U${k}["${mermaidText(`${labels.unit}: ${id}`)}"]`);
    const image = s ? strategyImages(s) : undefined;
    lines.push(`      ${jobNode}["${mermaidText(`steps in ${job.image ?? image?.client ?? 'the default image'}`)}"]`);
    if (s && image?.daemon) {
      const privileged = strategyFacts[s.strategy].privileged !== 'no' ? ' (privileged)' : '';
      lines.push(`      D${k}["${mermaidText(`${labels.beside}: ${image.daemon}${privileged}`)}"]`);
      const port = daemonPort(s);
      lines.push(`      ${jobNode} -->|"${mermaidText(`tcp ${port}${usesTls(s) ? ' + TLS' : ''}`)}"| D${k}`);
    }
    lines.push('    end');
    if (s?.strategy === 'socket') lines.push(`    ${jobNode} -.->|"socket mount = host root"| HD`);
    if (s?.strategy === 'socket-proxy') lines.push(`    D${k} -.->|"socket, read-only; allow: ${mermaidText(s.allow.join(' '))}"| HD`);
  }
  lines.push('  end');
  return `${lines.join('\n')}\n`;
}
