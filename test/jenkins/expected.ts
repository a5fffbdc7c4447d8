/**
 * What the IR implies a Jenkinsfile says, written from the IR and the documented
 * Jenkins idioms (not from the emitter's code): stage layout, environment, the
 * image each `sh` runs in, and the scripts themselves.
 */
import {
  buildImageCommands,
  callsDocker,
  daemonReadinessWait,
  jobLevels,
  jobStrategy,
  strategyImages,
  usedBuiltins,
  type Job,
  type Pipeline,
} from '@polyci/core';
import type { EnvValue, ReadPipeline, ReadSh, ReadStage } from './read-jenkinsfile';

export const builtinSource = { POLYCI_BUILD_NUMBER: 'BUILD_NUMBER', POLYCI_COMMIT_SHA: 'GIT_COMMIT', POLYCI_BRANCH: 'BRANCH_NAME' } as const;
export const readinessLabel = 'polyci: wait for the Docker daemon';

export interface ExpectedSh {
  script: string;
  label?: string;
  /** The image the step runs in (undefined: on the agent itself). */
  image?: string;
  withEnv: string[];
}

export function stageNames(pipeline: Pipeline): Map<string, string> {
  const names = new Map<string, string>();
  const taken = new Set<string>();
  for (const [id, job] of Object.entries(pipeline.jobs)) {
    let name = job.name ?? id;
    if (taken.has(name)) name = `${name} (${id})`;
    for (let i = 2; taken.has(name); i++) name = `${job.name ?? id} (${id} ${i})`;
    taken.add(name);
    names.set(id, name);
  }
  return names;
}

export function expectedLayout(pipeline: Pipeline): (string | string[])[] {
  const names = stageNames(pipeline);
  return jobLevels(pipeline).map((level) => (level.length === 1 ? names.get(level[0])! : level.map((id) => names.get(id)!)));
}

export function expectedEnvironment(pipeline: Pipeline, job: Job): Record<string, EnvValue> {
  const env: Record<string, EnvValue> = {};
  for (const b of usedBuiltins(pipeline, job)) env[b] = { gstring: `env.${builtinSource[b]}` };
  for (const [k, v] of Object.entries(job.env)) env[k] = { literal: v };
  const secrets = new Set(job.secrets);
  for (const s of job.steps) {
    if (!('buildImage' in s)) continue;
    if (s.buildImage.login) {
      secrets.add(s.buildImage.login.usernameSecret);
      secrets.add(s.buildImage.login.passwordSecret);
    }
    for (const v of Object.values(s.buildImage.secrets)) secrets.add(v);
  }
  for (const s of secrets) env[s] = { credential: s };
  return env;
}

export function expectedSh(job: Job): ExpectedSh[] {
  const s = jobStrategy(job);
  const images = s ? strategyImages(s) : undefined;
  const daemon = s && ['dind', 'dind-rootless', 'socket-proxy'].includes(s.strategy);
  const daemonless = s && ['kaniko', 'buildah', 'buildkit'].includes(s.strategy);
  const runImage = daemonless ? job.image ?? images!.client : s ? job.image ?? images!.client : job.image;
  const buildImage = images?.client && daemonless ? images.client : runImage;
  const out: ExpectedSh[] = [];
  let waited = !daemon;
  for (const step of job.steps) {
    if (!waited && ('buildImage' in step || ('run' in step && callsDocker(step.run)))) {
      out.push({ script: daemonReadinessWait(), label: readinessLabel, image: runImage, withEnv: [] });
      waited = true;
    }
    if ('run' in step) out.push({ script: step.run, label: step.name, image: runImage, withEnv: Object.entries(step.env ?? {}).map(([k, v]) => `${k}=${v}`) });
    if ('buildImage' in step) out.push({ script: buildImageCommands(step.buildImage, s!).join('\n'), label: step.name, image: buildImage, withEnv: [] });
  }
  return out;
}

/** The image a read-back sh step runs in. */
export function imageOf(stage: ReadStage, sh: ReadSh): string | undefined {
  if (sh.inside) return sh.inside;
  if (sh.container) {
    const c = stage.agent?.pod?.spec?.containers?.find((x: { name: string }) => x.name === sh.container);
    if (!c) throw new Error(`container ${sh.container} is not in the pod`);
    return c.image;
  }
  return stage.agent?.kind === 'docker' ? stage.agent.image : undefined;
}

/** The read-back sh steps of a stage in the expected shape. */
export function actualSh(stage: ReadStage): ExpectedSh[] {
  return stage.sh.map((sh) => {
    const e: ExpectedSh = { script: sh.script, label: sh.label, image: imageOf(stage, sh), withEnv: sh.withEnv.filter((w) => !w.startsWith('POLYCI_ID=')) };
    return e;
  });
}

export function actualLayout(read: ReadPipeline): (string | string[])[] {
  return read.layout.map((l) => (typeof l === 'string' ? l : l.stages));
}
