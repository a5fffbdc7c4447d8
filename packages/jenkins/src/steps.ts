/** The steps of a stage, as render.ts spells them (`template` names the kind of step). */
import { daemonReadinessWait } from '@polyci/core';

export type StepView =
  | { template: 'step-sh'; script: string; label?: string }
  | { template: 'step-raw'; groovy: string }
  | { template: 'step-checkout' }
  | { template: 'step-container'; name: string; steps: StepView[] }
  | { template: 'step-with-env'; env: string[]; steps: StepView[] }
  | {
      template: 'step-docker-workflow';
      suffix: string;
      sidecars: { image: string; env: string[]; args: ArgPart[]; command?: string }[];
      groups: { image?: string; args: ArgPart[]; steps: StepView[] }[];
      cleanup: string;
    };

/** A piece of a docker-workflow argument string: literal text, or the build's id. */
export type ArgPart = { text: string } | { id: true };

/** Label of the readiness wait, which the importer strips as polyci's own scaffolding. */
export const readinessLabel = 'polyci: wait for the Docker daemon';

/** The bounded wait for a sidecar daemon, before the first step that uses it. */
export function readinessStep(script: string = daemonReadinessWait()): StepView {
  return { template: 'step-sh', script, label: readinessLabel };
}
