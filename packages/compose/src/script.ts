/**
 * A job's steps as the one shell script its runner container runs. Every step runs
 * in its own `sh -ec '<step>'`, as each step is its own shell on the CI systems:
 * an `exit 0` or `set +e` in one step cannot end or weaken the next, and each
 * step's text is one single-quoted word, so it comes back exactly (and the
 * importer can find step boundaries without guessing). Step names are printed, as
 * CI logs show them.
 */
import {
  buildImageCommands,
  diagnostic,
  formatPath,
  shellQuote,
  type ConcreteStrategy,
  type Diagnostic,
  type Job,
} from '@polyci/core';
import { workspaceDir } from './names';
import { assignmentOf, splitStatements } from './shell-statements';

/** The comment that marks where the checkout step was (the workspace is mounted for the whole job). */
export const checkoutMarker = `# checkout: the repository is bind-mounted at ${workspaceDir}`;

/** The statement that prints a step's name. */
export function stepNameLine(name: string): string {
  return `printf '%s\\n' ${shellQuote(`--- ${name}`)}`;
}

/** One step as a nested shell, with its own environment as prefix assignments. */
export function nestedShell(script: string, env?: Record<string, string>): string {
  if (!env) return `sh -ec ${shellQuote(script)}`;
  const assignments = Object.keys(env).map((k) => `${k}=${shellQuote(env[k])} `);
  return `${assignments.join('')}sh -ec ${shellQuote(script)}`;
}

export interface RunnerScript {
  script: string;
  /** Does any step use the workspace (a checkout step)? */
  checkout: boolean;
  diagnostics: Diagnostic[];
}

/**
 * The runner's script. `prelude` (a readiness wait) comes before the first step.
 */
export function runnerScript(jobId: string, job: Job, strategy: ConcreteStrategy | undefined, prelude: string[] = []): RunnerScript {
  const lines = [...prelude];
  const diagnostics: Diagnostic[] = [];
  let checkout = false;
  for (let i = 0; i < job.steps.length; i++) {
    const step = job.steps[i];
    // The path only for a finding: most steps have none.
    const at = () => formatPath(['jobs', jobId, 'steps', i]);
    if (step.name !== undefined) lines.push(stepNameLine(step.name));
    if ('checkout' in step) {
      checkout = true;
      lines.push(checkoutMarker);
      const { depth, submodules } = step.checkout;
      if (depth !== undefined || submodules !== undefined) {
        diagnostics.push(
          diagnostic('PCI031', 'warning', 'compose mounts the working tree as it is: checkout depth and submodules do not apply', {
            path: at(),
            hint: 'run `git submodule update --init` (or fetch the history you need) before `docker compose up`',
          }),
        );
      }
    } else if ('run' in step) {
      lines.push(nestedShell(step.run, step.env));
    } else if ('buildImage' in step) {
      if (!strategy) {
        diagnostics.push(diagnostic('PCI030', 'error', 'a buildImage step needs a docker strategy', { path: at(), hint: 'set `docker` on the job' }));
        continue;
      }
      lines.push(nestedShell(buildImageCommands(step.buildImage, strategy).join('\n')));
    } else if (step.vendor.target === 'compose') {
      if (typeof step.vendor.step === 'string' && step.vendor.step !== '') lines.push(nestedShell(step.vendor.step));
      else diagnostics.push(diagnostic('PCI030', 'error', 'a compose vendor step must be a shell script (a string)', { path: formatPath(['jobs', jobId, 'steps', i, 'vendor', 'step']), hint: 'write the step as a `run` step' }));
    } else {
      diagnostics.push(
        diagnostic('PCI031', 'warning', `the ${step.vendor.target} step is left out: it only exists on ${step.vendor.target}`, {
          path: at(),
          hint: 'add a `run` step that does the same thing locally, or accept that the compose run skips it',
        }),
      );
    }
  }
  return { script: lines.join('\n'), checkout, diagnostics };
}

/** A step read back from a runner script polyci wrote. */
export type ScriptStep =
  | { name?: string; checkout: true }
  | { name?: string; body: string; env: Record<string, string> };

/**
 * Read a runner script in polyci's own shape: step names, checkout markers and one
 * `sh -ec '...'` per step, after an optional readiness wait. Undefined when any
 * statement is something else (a hand-written script).
 */
export function parseRunnerScript(script: string, prelude: readonly string[] = []): { steps: ScriptStep[]; prelude: string[] } | undefined {
  const seenPrelude: string[] = [];
  for (let again = true; again; ) {
    again = false;
    for (const line of prelude) {
      if (script === line || script.startsWith(`${line}\n`)) {
        seenPrelude.push(line);
        script = script.slice(line.length + 1);
        again = true;
      }
    }
  }
  const statements = splitStatements(script);
  if (!statements) return undefined;
  const steps: ScriptStep[] = [];
  let name: string | undefined;
  for (const st of statements) {
    if (st.comment !== undefined) {
      if (`#${st.comment}` !== checkoutMarker) return undefined;
      steps.push(name !== undefined ? { name, checkout: true } : { checkout: true });
      name = undefined;
      continue;
    }
    const w = st.words;
    if (w.some((x) => x.operator)) return undefined;
    if (w.length === 3 && w[0].raw === 'printf' && w[1].value === '%s\\n' && !w[2].expands && w[2].value.startsWith('--- ') && name === undefined) {
      name = w[2].value.slice(4);
      continue;
    }
    const env: Record<string, string> = {};
    let i = 0;
    for (; i < w.length; i++) {
      const a = assignmentOf(w[i]);
      if (!a || w[i].expands) break;
      env[a.name] = a.value;
    }
    if (w.length - i !== 3 || w[i].raw !== 'sh' || w[i + 1].raw !== '-ec' || w[i + 2].expands) return undefined;
    steps.push(name !== undefined ? { name, body: w[i + 2].value, env } : { body: w[i + 2].value, env });
    name = undefined;
  }
  if (name !== undefined) return undefined;
  return { steps, prelude: seenPrelude };
}
