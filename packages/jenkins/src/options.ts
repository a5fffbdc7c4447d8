/**
 * Options of the Jenkins target (`--option jenkins.agent=docker`), checked before
 * emission as graphql-codegen plugins validate their config.
 */
import { diagnostic, targetIds, type Diagnostic, type EmitOptions } from '@polyci/core';

export interface JenkinsOptions {
  /**
   * kubernetes (default): every job gets a pod template from the Kubernetes plugin.
   * docker: Jenkins without Kubernetes; jobs run in containers of the agent's Docker
   * daemon through the docker-workflow plugin.
   */
  agent: 'kubernetes' | 'docker';
  source?: string;
}

const agents = ['kubernetes', 'docker'] as const;

/** Read and check the target's options; errors are PCI032. */
export function readOptions(options: EmitOptions = {}): { options: JenkinsOptions; diagnostics: Diagnostic[] } {
  const diagnostics: Diagnostic[] = [];
  const out: JenkinsOptions = { agent: 'kubernetes' };
  for (const [key, value] of Object.entries(options)) {
    if (key === 'source') {
      if (typeof value === 'string') out.source = value;
      continue;
    }
    // compile() passes every target's option group along with ours.
    if ((targetIds as readonly string[]).includes(key)) continue;
    if (key === 'agent') {
      if (typeof value === 'string' && (agents as readonly string[]).includes(value)) out.agent = value as JenkinsOptions['agent'];
      else diagnostics.push(diagnostic('PCI032', 'error', `jenkins option "agent" must be one of ${agents.map((a) => `"${a}"`).join(', ')}, got ${JSON.stringify(value)}`, { path: 'jenkins.agent', hint: 'use --option jenkins.agent=kubernetes (the default) or jenkins.agent=docker' }));
      continue;
    }
    diagnostics.push(diagnostic('PCI032', 'warning', `unknown jenkins option "${key}"`, { path: `jenkins.${key}`, hint: 'the jenkins target takes: agent' }));
  }
  return { options: out, diagnostics };
}
