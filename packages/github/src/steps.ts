/**
 * IR steps as workflow steps.
 * https://docs.github.com/en/actions/writing-workflows/workflow-syntax-for-github-actions#jobsjob_idsteps
 */
import {
  builderEnv,
  buildImageCommands,
  referencedVariables,
  shellQuote,
  daemonReadinessWait,
  diagnostic,
  formatPath,
  type BuildImage,
  type ConcreteStrategy,
  type Diagnostic,
  type Step,
  type YamlValue,
} from '@polyci/core';
import { actionRef } from './actions';
import { escapeExpressions } from './expressions';
import { kanikoShell, type StrategyParts } from './strategy';

export type GithubStep = { [key: string]: YamlValue };

/** The name polyci gives its readiness step; the importer recognises it by name and script. */
export const readinessStepName = 'Wait for the Docker daemon';
export const readinessScript = daemonReadinessWait();
/** The environment variable that carries a build script into the builder's container. */
export const builderScriptVariable = 'POLYCI_BUILD_SCRIPT';
/**
 * The runner hands `args` to `docker run` on one command line, split with
 * double quotes; the script itself travels in the environment, never in args.
 */
export const kanikoArgs = `-ec "eval \\"$${builderScriptVariable}\\""`;
/** Options of the BuildKit container: rootless buildkitd mounts and unshares, so no seccomp/AppArmor filter, and no privilege. */
export const buildkitRunOptions = '--security-opt seccomp=unconfined --security-opt apparmor=unconfined';

/** Variables of the runner's shell that must not leak into the builder's container. */
const runnerOwn = new Set(['HOME', 'PWD', 'PATH', 'USER', 'SHELL', 'HOSTNAME']);

/** `docker run` of a builder image with the workspace, the variables its script reads, and the script itself from the environment. */
export function builderRunCommand(image: string, build: BuildImage, strategy: ConcreteStrategy): string {
  const script = buildImageCommands(build, strategy).join('\n');
  const builderVariables = builderEnv(strategy);
  let command = `docker run --rm ${buildkitRunOptions}`;
  for (const k of Object.keys(builderVariables)) command += ` --env ${shellQuote(`${k}=${builderVariables[k]}`)}`;
  // build secrets are read by name (env=NAME), not as $NAME
  const passed = new Set(referencedVariables(script));
  for (const name of buildSecretsOf(build)) passed.add(name);
  for (const v of passed) if (!runnerOwn.has(v) && !(v in builderVariables)) command += ` --env ${v}`;
  return `${command} --env ${builderScriptVariable} --volume "$PWD:/workspace" --workdir /workspace --entrypoint /bin/sh ${shellQuote(image)} -ec 'eval "$${builderScriptVariable}"'`;
}

/** A map of env values with every user string escaped. */
export function escapedEnv(env: Record<string, string>): Record<string, string> {
  const out: Record<string, string> = {};
  for (const k of Object.keys(env)) out[k] = escapeExpressions(env[k]);
  return out;
}

/** Secret expressions for names a step needs that the job does not already expose. */
function secretEnv(names: string[], jobSecrets: string[]): Record<string, string> {
  const env: Record<string, string> = {};
  for (const n of names) if (!jobSecrets.includes(n)) env[n] = `\${{ secrets.${n} }}`;
  return env;
}

export function buildSecretsOf(build: BuildImage): string[] {
  const names = Object.values(build.secrets);
  if (build.login) names.push(build.login.usernameSecret, build.login.passwordSecret);
  return [...new Set(names)];
}

export function readinessStep(script: string = readinessScript): GithubStep {
  return { name: readinessStepName, run: script };
}

const checkoutAction = actionRef('checkout');

/** One IR step as workflow steps, pushed onto `steps`. */
export function emitStep(step: Step, index: number, jobId: string, strategy: ConcreteStrategy | undefined, builder: StrategyParts['builder'], jobSecrets: string[], diagnostics: Diagnostic[], steps: GithubStep[]): void {
  const name = step.name !== undefined ? escapeExpressions(step.name) : undefined;
  if ('run' in step) {
    const out: GithubStep = { name, run: escapeExpressions(step.run) };
    if (step.env && Object.keys(step.env).length > 0) out.env = escapedEnv(step.env);
    steps.push(out);
    return;
  }
  if ('checkout' in step) {
    const w: { [key: string]: YamlValue } = {};
    if (step.checkout.depth !== undefined) w['fetch-depth'] = step.checkout.depth;
    if (step.checkout.submodules !== undefined) w.submodules = step.checkout.submodules;
    // Least privilege: the job's token is not left in .git/config for later steps.
    w['persist-credentials'] = false;
    steps.push({ name, uses: checkoutAction, with: w });
    return;
  }
  if ('buildImage' in step) {
    if (!strategy) {
      diagnostics.push(diagnostic('PCI030', 'error', `job "${jobId}" builds an image but has no docker strategy`, { path: formatPath(['jobs', jobId, 'steps', index]), hint: 'validate the pipeline first (validatePipeline picks one)' }));
      return;
    }
    const script = buildImageCommands(step.buildImage, strategy).join('\n');
    const env = secretEnv(buildSecretsOf(step.buildImage), jobSecrets);
    if (builder?.via === 'action') {
      env[builderScriptVariable] = escapeExpressions(script);
      steps.push({ name, uses: `docker://${builder.image}`, env, with: { entrypoint: kanikoShell, args: kanikoArgs } });
      return;
    }
    if (builder?.via === 'docker-run') {
      env[builderScriptVariable] = escapeExpressions(script);
      steps.push({ name, run: builderRunCommand(builder.image, step.buildImage, strategy), env });
      return;
    }
    const out: GithubStep = { name, run: escapeExpressions(script) };
    if (Object.keys(env).length > 0) out.env = env;
    steps.push(out);
    return;
  }
  if (step.vendor.target === 'github' && step.vendor.step && typeof step.vendor.step === 'object' && !Array.isArray(step.vendor.step)) {
    const raw = step.vendor.step as { [key: string]: YamlValue };
    steps.push({ ...(name !== undefined ? { name } : {}), ...raw });
    return;
  }
  diagnostics.push(diagnostic('PCI031', 'warning', `step ${index} of job "${jobId}" is a ${step.vendor.target} step, which has no meaning on GitHub and is left out`, { path: formatPath(['jobs', jobId, 'steps', index, 'vendor']), hint: 'write it as a run step, or add a GitHub step (vendor.target: github) with the same effect' }));
}
