/**
 * IR fields a Jenkinsfile cannot carry, each reported (PCI031) rather than
 * dropped silently, and those it carries only approximately (PCI030).
 */
import { diagnostic, formatPath, type Diagnostic, type Job } from '@polyci/core';
import type { ContainerPlan } from './containers';
import { dockerResourceFlags } from './docker-resources';
import type { JenkinsOptions } from './options';

/** `builtins` and `secrets` are the job's usedBuiltins and jobSecrets, which the stage needs too. */
export function droppedFields(job: Job, id: string, plan: ContainerPlan, options: JenkinsOptions, builtins: readonly string[], secrets: readonly string[], out: Diagnostic[]): void {
  // formatPath(['jobs', id, ...rest]), spelled as the job's path and the rest's own (which
  // starts with a plain word): tens of thousands of jobs, several paths each.
  const jobPath = formatPath(['jobs', id]);
  const at = (...rest: (string | number)[]) => `${jobPath}.${formatPath(rest)}`;
  const drop = (path: string, message: string, hint: string) => out.push(diagnostic('PCI031', 'warning', message, { path, hint }));
  const pod = options.agent === 'kubernetes' && !plan.hostSocket && plan.containers.length > 0;
  const runner = job.runner;
  if (runner?.queue) drop(`${jobPath}.runner.queue`, 'runner.queue (a Buildkite queue) has no Jenkins meaning', 'use runner.labels for Jenkins agent labels');
  if (runner?.tags) drop(`${jobPath}.runner.tags`, 'runner.tags (GitLab runner tags) have no Jenkins meaning', 'use runner.labels for Jenkins agent labels');
  if (runner?.labels && pod) drop(`${jobPath}.runner.labels`, 'runner.labels do not apply to a Kubernetes pod agent', 'the pod template decides where the job runs; use --option jenkins.agent=docker to run on labelled nodes');
  if (runner?.resources && plan.containers.length === 0) drop(`${jobPath}.runner.resources`, 'runner.resources apply to a container, and this job runs on the agent itself', 'set an image for the job, or size the Jenkins node');
  if (!pod) {
    for (const c of plan.containers) {
      const { unconverted } = dockerResourceFlags(c.resources);
      const path = c.role === 'job' || (c.role === 'builder' && c.resources === runner?.resources) ? `${jobPath}.runner.resources` : `${jobPath}.docker.resources`;
      for (const q of unconverted) drop(path, `resource ${q} has no exact docker run spelling and is not written`, 'use cpu as cores or millicores (2, 500m) and memory in bytes, Ki/Mi/Gi/Ti or k/M/G/T');
    }
  }
  if (runner?.resources && plan.unusedRunnerResources) drop(`${jobPath}.runner.resources`, `runner.resources are not used: the ${plan.strategy?.strategy} builder is the job's only container and has resources of its own`, 'set the resources once, on docker.resources');
  if (job.stage) drop(`${jobPath}.stage`, 'stage (a GitLab stage name) is not used: Jenkins stages come from the job graph', 'remove it, or keep it for GitLab only');
  if (job.cache) drop(`${jobPath}.cache`, 'Jenkins has no built-in job cache: cache is not written', 'use a registry cache for images, or the Job Cacher plugin through a Jenkins vendor step');
  if (job.artifacts?.expireIn) drop(`${jobPath}.artifacts.expireIn`, 'artifact expiry is a property of the Jenkins job (buildDiscarder), not of one stage', 'configure artifactNumToKeepStr / artifactDaysToKeepStr on the job');
  job.artifacts?.paths.forEach((p, i) => {
    if (p.includes(',')) out.push(diagnostic('PCI030', 'error', `artifact path "${p}" contains a comma, which archiveArtifacts reads as a list separator`, { path: at('artifacts', 'paths', i), hint: 'use a glob without commas' }));
  });
  if (plan.unusedImage) drop(`${jobPath}.image`, `image is not used: job "${id}" has no run step, and its builds run in the ${plan.strategy?.strategy} builder`, 'remove image, or add the run steps that need it');
  const empty: string[] = [];
  for (const k of Object.keys(job.env)) if (job.env[k] === '') empty.push(at('env', k));
  job.steps.forEach((s, i) => {
    if ('run' in s && s.env) for (const k of Object.keys(s.env)) if (s.env[k] === '') empty.push(at('steps', i, 'env', k));
  });
  for (const path of empty) out.push(diagnostic('PCI030', 'warning', 'Jenkins unsets a variable given an empty value (environment, withEnv): the step sees it unset, not empty', { path, hint: 'scripts that need the difference can test ${NAME+x}; or give it a value' }));
  // One environment block holds both: the credential binding wins.
  for (const name of secrets) {
    if (name in job.env) out.push(diagnostic('PCI030', 'warning', `secret ${name} and the env variable of the same name meet in one Jenkins environment block: the secret wins`, { path: at('env', name), hint: 'rename the variable or the secret' }));
  }
  // GIT_COMMIT comes from the stage's own checkout.
  if (!job.steps.some((s) => 'checkout' in s) && builtins.includes('POLYCI_COMMIT_SHA')) {
    out.push(diagnostic('PCI030', 'warning', `job "${id}" uses POLYCI_COMMIT_SHA without a checkout step: Jenkins sets GIT_COMMIT only when the stage checks out`, { path: `${jobPath}.steps`, hint: 'add a checkout step to the job' }));
  }
  let first = true;
  job.steps.forEach((s, i) => {
    if ('checkout' in s) {
      if (!first) out.push(diagnostic('PCI030', 'warning', `the checkout of job "${id}" happens when the stage starts, before the steps listed ahead of it`, { path: `${jobPath}.steps[${i}]`, hint: 'make checkout the first step' }));
      if (s.checkout.depth !== undefined) drop(`${jobPath}.steps[${i}].checkout.depth`, 'checkout depth is not written: the clone depth is a setting of the branch source', "add the 'Advanced clone behaviours' trait (shallow clone) to the multibranch job");
      if (s.checkout.submodules !== undefined) drop(`${jobPath}.steps[${i}].checkout.submodules`, 'checkout submodules is not written: submodules are a setting of the branch source', "add the 'Advanced sub-modules behaviours' trait to the multibranch job");
      if (s.name) drop(`${jobPath}.steps[${i}].name`, 'the name of a checkout step is not written: the stage checks out by itself', 'remove it');
    }
    if ('vendor' in s && s.vendor.target !== 'jenkins') drop(`${jobPath}.steps[${i}].vendor`, `a ${s.vendor.target} vendor step has no Jenkins equivalent and is left out`, 'add a Jenkins vendor step with the same effect');
    first = false;
  });
  for (const key of Object.keys(job.vendor?.jenkins ?? {})) drop(at('vendor', 'jenkins', key), `vendor.jenkins.${key} has no place in the emitted Jenkinsfile`, 'express it in the IR, or as a Jenkins vendor step');
}
