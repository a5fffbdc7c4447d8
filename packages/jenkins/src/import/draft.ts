/**
 * A job while its stage is being read: what the stage said, before the daemon strategy,
 * the job's image and polyci's own scaffolding are settled (`finish.ts`).
 */
import type { Conditions, Service, Step } from '@polyci/core';
import type { AgentFacts } from './agent';
import type { Span } from './syntax';

/** A step and where it ran: a pod container, or a docker-workflow container. */
export interface DraftStep {
  step: Step;
  at: Span;
  container?: string;
  /** docker-workflow: the image of `docker.image(...).inside(...)` it ran in, and that call's docker run flags. */
  inside?: { image: string; args: string };
}

/** A docker-workflow sidecar: `docker.image(...).run(...)` / `.withRun(...)`. */
export interface Sidecar {
  image: string;
  /** docker run flags, with computed parts (the build id) as `<id>`. */
  args: string;
  /** The container's command (after the image). */
  command?: string;
  /** Values of `--env=NAME` flags, from the enclosing withEnv. */
  env: Record<string, string>;
  at: Span;
}

export interface JobDraft {
  id: string;
  name?: string;
  at: Span;
  needs: string[];
  agent?: AgentFacts;
  env: Record<string, string>;
  secrets: string[];
  steps: DraftStep[];
  sidecars: Sidecar[];
  services: Service[];
  conditions?: Conditions;
  timeoutMinutes?: number;
  retry?: number;
  artifacts?: string[];
  skipDefaultCheckout: boolean;
  vendor: Record<string, unknown>;
}
