/**
 * Round trip through Jenkins: import(emit(ir)) equals ir, for every example and for
 * random pipelines (pipelineArb: hostile strings in names, env values, commands, tags,
 * build args), with both agent modes of the emitter, except for what a Jenkinsfile
 * cannot carry, listed here.
 */
import fc from 'fast-check';
import { comparePipelines, compile, parsePipeline, validatePipeline, type Pipeline } from '@polyci/core';
import { jenkinsTarget } from '@polyci/jenkins';
import { importJenkinsfiles } from '../../packages/jenkins/src/import';
import { pipelineArb } from '../support/arbitraries';
import { exampleNames, loadExample } from '../support/examples';

/**
 * What the emitted Jenkinsfile does not say, so the importer cannot get it back (each is
 * a PCI030/PCI031 diagnostic on emit, except the first three):
 * - triggers: branch/PR/tag filters belong to the multibranch job, not the Jenkinsfile;
 * - policy: polyci's own policy levels are not part of any vendor format;
 * - jobs.*.runner.queue, jobs.*.runner.tags: Buildkite queues and GitLab runner tags;
 * - jobs.*.runner.labels on Kubernetes: the pod template decides where a job runs;
 * - jobs.*.docker.cacheVolume on Kubernetes: the pod keeps daemon storage in an emptyDir either way;
 * - jobs.*.runner.resources and jobs.*.docker.resources with docker agents: no Kubernetes limits;
 * - jobs.*.steps.*.checkout.*: depth and submodules are branch-source settings;
 * - jobs.*.services.*.ports: containers of a pod (or a build network) reach each other without published ports;
 * - job ids of named jobs: a stage is called by the job's name (`renameByOrder` pairs jobs by position);
 * - `$NAME` in buildImage fields comes back as `${NAME}`: the build command quotes both the same way;
 * - with docker agents, the strategy of a daemonless job without buildImage steps: no builder container is started;
 * - buildkit tags holding a comma or a double quote: buildctl's --output is CSV (such a build stays a run step);
 * - kaniko's default Dockerfile: the executor always names it, so none and `<context>/Dockerfile` read the same.
 */
export const jenkinsCannotExpress: Record<'kubernetes' | 'docker', string[]> = {
  kubernetes: ['triggers', 'policy', 'jobs.*.runner.queue', 'jobs.*.runner.tags', 'jobs.*.runner.labels', 'jobs.*.docker.cacheVolume', 'jobs.*.steps.*.checkout.depth', 'jobs.*.steps.*.checkout.submodules', 'jobs.*.services.*.ports'],
  docker: ['triggers', 'policy', 'jobs.*.runner.queue', 'jobs.*.runner.tags', 'jobs.*.runner.resources', 'jobs.*.docker.resources', 'jobs.*.steps.*.checkout.depth', 'jobs.*.steps.*.checkout.submodules', 'jobs.*.services.*.ports'],
};

/** A copy without the listed paths (`*` is any key or index); objects left empty go too. */
function without(value: unknown, patterns: string[][]): unknown {
  if (Array.isArray(value)) return value.map((v, i) => without(v, patterns.filter((p) => p[0] === '*' || p[0] === String(i)).map((p) => p.slice(1))));
  if (!value || typeof value !== 'object') return value;
  const out: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(value)) {
    const here = patterns.filter((p) => p[0] === '*' || p[0] === k);
    if (here.some((p) => p.length === 1)) continue;
    const inner = without(v, here.map((p) => p.slice(1)));
    if (inner && typeof inner === 'object' && !Array.isArray(inner) && Object.keys(inner).length === 0 && v && Object.keys(v).length > 0) continue;
    out[k] = inner;
  }
  return out;
}

const daemonless = ['kaniko', 'buildah', 'buildkit'];

function comparable(p: Pipeline, agent: 'kubernetes' | 'docker'): Pipeline {
  const stripped = without(p, jenkinsCannotExpress[agent].map((x) => x.split('.'))) as Pipeline;
  for (const job of Object.values(stripped.jobs)) {
    if (agent === 'docker' && job.docker && daemonless.includes(job.docker.strategy) && !job.steps.some((s) => 'buildImage' in s)) delete job.docker;
    for (const s of job.steps) {
      if (job.docker?.strategy === 'kaniko' && 'buildImage' in s) s.buildImage.dockerfile ??= `${s.buildImage.context.replace(/\/$/, '')}/Dockerfile`.replace(/^\.\//, '');
    }
  }
  // `$NAME` and `${NAME}` are the same reference in a build field
  return JSON.parse(JSON.stringify(stripped, (k, v) => (typeof v === 'string' ? v.replace(/\$([A-Za-z_][A-Za-z0-9_]*)/g, '${$1}') : v)));
}

function roundTrip(pipeline: Pipeline, agent: 'kubernetes' | 'docker'): { imported: Pipeline; errors: unknown[] } {
  const emitted = compile(pipeline, [jenkinsTarget], { source: 'ci.config.ts', jenkins: { agent } });
  const errors: unknown[] = emitted.diagnostics.filter((d) => d.severity === 'error');
  const result = importJenkinsfiles(emitted.files.map(({ file }) => ({ path: file.path, contents: file.contents })));
  errors.push(...result.diagnostics.filter((d) => d.severity === 'error'));
  const parsed = parsePipeline(result.pipeline);
  errors.push(...parsed.diagnostics);
  return { imported: parsed.pipeline ?? result.pipeline, errors };
}

/** Give imported jobs the ids of the expected ones, in order (stage names are job names, not ids). */
function renameByOrder(expected: Pipeline, imported: Pipeline): Pipeline {
  const from = Object.keys(imported.jobs);
  const to = Object.keys(expected.jobs);
  if (from.length !== to.length) return imported;
  const rename = new Map(from.map((id, i) => [id, to[i]]));
  const jobs: Pipeline['jobs'] = {};
  from.forEach((id, i) => {
    const job = imported.jobs[id];
    const { name: _name, ...rest } = job;
    const name = expected.jobs[to[i]].name;
    jobs[to[i]] = { ...rest, ...(name !== undefined ? { name } : {}), needs: job.needs.map((n) => rename.get(n) ?? n) };
  });
  return { ...imported, jobs };
}

describe.each(['kubernetes', 'docker'] as const)('jenkins round trip (%s agents)', (agent) => {
  it.each(exampleNames())('example %s', (name) => {
    const example = loadExample(name);
    const { imported, errors } = roundTrip(example, agent);
    expect(errors).toEqual([]);
    const renamed = renameByOrder(example, imported);
    expect(comparePipelines(comparable(example, agent), comparable(renamed, agent)).differences).toEqual([]);
    // what is lost is exactly what the list names
    const lost = comparePipelines(example, renamed).differences.map((d) => d.path);
    for (const path of lost) expect(jenkinsCannotExpress[agent].some((p) => path.startsWith(p.split('.*')[0]))).toBe(true);
  });

  it('services, artifacts, conditions and step env', () => {
    const { pipeline } = validatePipeline({
      name: 'services',
      jobs: {
        test: {
          image: 'node:22.11',
          env: { A: 'b' },
          services: [
            { alias: 'db', image: 'postgres:16.4', env: { POSTGRES_DB: 'app' }, command: ['postgres', '-c', 'fsync=off'], ports: [5432] },
            { alias: 'cache', image: 'redis:7.4' },
          ],
          steps: [{ checkout: {} }, { run: 'npm test', name: 'Test' }],
          artifacts: { paths: ['coverage/**'] },
          conditions: { manual: true, tags: true, branches: ['main', 'release/*'] },
        },
        image: { needs: ['test'], docker: { strategy: 'dind-rootless' }, steps: [{ run: 'docker build .', env: { X: '1' } }] },
      },
    });
    const { imported, errors } = roundTrip(pipeline!, agent);
    expect(errors).toEqual([]);
    expect(comparePipelines(comparable(pipeline!, agent), comparable(imported, agent)).differences).toEqual([]);
  });

  it('random pipelines with hostile strings', () => {
    fc.assert(
      fc.property(pipelineArb, (pipeline) => {
        const buildkitComma = Object.values(pipeline.jobs).some((j) => j.docker?.strategy === 'buildkit' && j.steps.some((s) => 'buildImage' in s && s.buildImage.tags.some((t) => /[,"]/.test(t))));
        fc.pre(!buildkitComma);
        const { imported, errors } = roundTrip(pipeline, agent);
        expect(errors).toEqual([]);
        expect(comparePipelines(comparable(pipeline, agent), comparable(renameByOrder(pipeline, imported), agent)).differences).toEqual([]);
      }),
      { numRuns: 150 },
    );
  });
});
