/**
 * The Jenkins emitter on every example, under both agent options: the real Groovy
 * parser reads every Jenkinsfile, npm-groovy-lint finds no error, and the parsed
 * stages, agents, environment and sh steps are what the IR says.
 */
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import fc from 'fast-check';
import { daemonReadinessWait, jobLevels, validatePipeline, type Pipeline } from '@polyci/core';
import { jenkinsTarget } from '@polyci/jenkins';
import { exampleNames, examplesDir, loadExample } from '../support/examples';
import { checkKubernetesPlugin, lintJenkinsfiles, parseGroovy, type GroovyParseResult } from '../validators';
import { jenkinsPipelineArb } from './arbitraries';
import { actualLayout, actualSh, builtinSource, expectedEnvironment, expectedLayout, expectedSh, readinessLabel, stageNames } from './expected';
import { foreignGStrings, readJenkinsfile, type ReadPipeline, type ReadStage } from './read-jenkinsfile';

const agents = ['kubernetes', 'docker'] as const;
type Agent = (typeof agents)[number];

interface Case {
  name: string;
  agent: Agent;
  pipeline: Pipeline;
  text: string;
}

const cases: Case[] = [];
for (const name of exampleNames()) {
  const pipeline = loadExample(name);
  for (const agent of agents) {
    const r = jenkinsTarget.emit(pipeline, { source: 'ci.config.ts', agent });
    if (r.files.length !== 1) throw new Error(`${name}/${agent}: ${JSON.stringify(r.diagnostics)}`);
    cases.push({ name, agent, pipeline, text: r.files[0].contents });
  }
}
// A sample of random pipelines goes through npm-groovy-lint with the examples (it takes ~20 s per run).
const lintSeed = Number(process.env.POLYCI_SEED ?? Date.now() % 2 ** 31);
const lintSample = fc.sample(jenkinsPipelineArb, { numRuns: 16, seed: lintSeed }).map((pipeline, i) => {
  const agent = agents[i % 2];
  const r = jenkinsTarget.emit(pipeline, { agent });
  return { name: `random-${i}-${agent}`, text: r.files[0]?.contents ?? '' };
});

let parsed: GroovyParseResult[];
const read = new Map<string, ReadPipeline>();
beforeAll(async () => {
  parsed = await parseGroovy(cases.map((c) => ({ name: `${c.name}/${c.agent}/Jenkinsfile`, text: c.text })));
  parsed.forEach((p, i) => {
    if (p.ok) read.set(`${cases[i].name}/${cases[i].agent}`, readJenkinsfile(p));
  });
});

const stage = (name: string, agent: Agent, job: string): ReadStage => {
  const p = read.get(`${name}/${agent}`)!;
  const n = stageNames(loadExample(name)).get(job)!;
  return p.stages.find((s) => s.name === n)!;
};
const podContainer = (s: ReadStage, name: string) => s.agent!.pod.spec.containers.find((c: { name: string }) => c.name === name);
const envOf = (c: { env?: { name: string; value: string }[] }) => Object.fromEntries((c.env ?? []).map((e) => [e.name, e.value]));

describe('examples', () => {
  test('the Groovy parser reads every Jenkinsfile with no error', () => {
    expect(parsed.filter((p) => !p.ok).map((p) => ({ name: p.name, errors: p.errors }))).toEqual([]);
  });

  test('npm-groovy-lint finds no error in the examples and a sample of random pipelines', async () => {
    const findings = await lintJenkinsfiles([...cases.map((c) => ({ name: `${c.name}-${c.agent}/Jenkinsfile`, text: c.text })), ...lintSample]);
    // random-* files come from POLYCI_SEED=${lintSeed}
    expect({ seed: lintSeed, findings }).toEqual({ seed: lintSeed, findings: [] });
  });

  test.each(cases.map((c, i) => [`${c.name}/${c.agent}`, i] as const))('%s: stages, environment and sh steps are the IR', (_, i) => {
    const c = cases[i];
    const p = readJenkinsfile(parsed[i]);
    expect(p.topLevel).toEqual(['pipeline']);
    expect(actualLayout(p)).toEqual(expectedLayout(c.pipeline));
    expect(p.environment).toEqual(Object.fromEntries(Object.entries(c.pipeline.env).map(([k, v]) => [k, { literal: v }])));
    const names = stageNames(c.pipeline);
    for (const [id, job] of Object.entries(c.pipeline.jobs)) {
      const s = p.stages.find((x) => x.name === names.get(id))!;
      expect(s).toBeDefined();
      expect(s.environment).toEqual(expectedEnvironment(c.pipeline, job));
      expect(actualSh(s)).toEqual(expectedSh(job));
      if (s.agent?.kind === 'kubernetes') {
        // a valid corev1 Pod (kubernetes-models, and no field Kubernetes would drop)
        expect(s.agent.pod).toMatchObject({ apiVersion: 'v1', kind: 'Pod' });
        expect(checkKubernetesPlugin({ podSpec: s.agent.pod.spec })).toEqual([]);
      }
      // A stage checks out only when the job has a checkout step.
      expect('skipDefaultCheckout' in s.options).toBe(!job.steps.some((x) => 'checkout' in x));
    }
    expect(foreignGStrings(parsed[i], Object.values(builtinSource))).toEqual([]);
  });

  test('committed Jenkinsfiles are the kubernetes output', () => {
    for (const c of cases.filter((x) => x.agent === 'kubernetes')) {
      expect(readFileSync(join(examplesDir, c.name, 'Jenkinsfile'), 'utf8')).toBe(c.text);
    }
  });

  test('output is deterministic', () => {
    for (const c of cases) expect(jenkinsTarget.emit(loadExample(c.name), { source: 'ci.config.ts', agent: c.agent }).files[0].contents).toBe(c.text);
  });
});

describe('strategies', () => {
  test('dind with TLS on Kubernetes: privileged daemon, client certs through an emptyDir, TLS client env', () => {
    const s = stage('dind-basic', 'kubernetes', 'build');
    const dind = podContainer(s, 'dind');
    const client = podContainer(s, 'docker');
    expect(dind.image).toMatch(/^docker:\d+\.\d+\.\d+-dind$/);
    expect(dind.securityContext).toEqual({ privileged: true });
    expect(envOf(dind)).toEqual({ DOCKER_TLS_CERTDIR: '/certs' });
    expect(dind.volumeMounts).toContainEqual({ name: 'docker-certs', mountPath: '/certs/client' });
    expect(envOf(client)).toEqual({ DOCKER_HOST: 'tcp://localhost:2376', DOCKER_TLS_VERIFY: '1', DOCKER_CERT_PATH: '/certs/client' });
    expect(client.volumeMounts).toEqual([{ name: 'docker-certs', mountPath: '/certs/client', readOnly: true }]);
    expect(client.securityContext).toEqual({ allowPrivilegeEscalation: false, capabilities: { drop: ['ALL'] } });
    expect(s.agent!.pod.spec.volumes).toContainEqual({ name: 'docker-certs', emptyDir: {} });
    // the wait comes before the first docker command, in the client container
    expect(s.sh[0]).toMatchObject({ label: readinessLabel, script: daemonReadinessWait(), container: 'docker' });
    expect(s.sh[1]).toMatchObject({ script: 'docker build -t myimage .', container: 'docker' });
  });

  test('dind without TLS: DOCKER_TLS_CERTDIR empty, --tls=false, tcp 2375, no certs', () => {
    const s = stage('dind-no-tls', 'kubernetes', 'build');
    const dind = podContainer(s, 'dind');
    expect(envOf(dind)).toEqual({ DOCKER_TLS_CERTDIR: '' });
    expect(dind.args).toEqual(['--tls=false']);
    expect(envOf(podContainer(s, 'docker'))).toEqual({ DOCKER_HOST: 'tcp://localhost:2375' });
    expect(s.agent!.pod.spec.volumes.map((v: { name: string }) => v.name)).toEqual(['docker-data']);
  });

  test('dind without Kubernetes: sidecar on a user-defined network, TLS through a certs volume (seed 003)', () => {
    const s = stage('dind-basic', 'docker', 'build');
    expect(s.agent).toEqual({ kind: 'any' });
    expect(s.sidecars).toHaveLength(1);
    const [dind] = s.sidecars;
    expect(dind.image).toMatch(/-dind$/);
    expect(dind.args.split(' ')).toEqual(expect.arrayContaining(['--privileged', '--network=<ID>', '--network-alias=dind', '--hostname=dind', '--env=DOCKER_TLS_CERTDIR', '--volume=<ID>-docker-certs:/certs/client']));
    expect(dind.env).toContain('DOCKER_TLS_CERTDIR=/certs');
    const docker = s.sh.filter((x) => x.inside);
    expect(docker.length).toBeGreaterThan(0);
    for (const sh of docker) {
      expect(sh.insideArgs!.split(' ')).toEqual(
        expect.arrayContaining(['--network=<ID>', '--env=DOCKER_HOST=tcp://dind:2376', '--env=DOCKER_TLS_VERIFY=1', '--env=DOCKER_CERT_PATH=/certs/client', '--volume=<ID>-docker-certs:/certs/client:ro']),
      );
    }
    expect(docker[0].label).toBe(readinessLabel);
  });

  test('dind without Kubernetes and without TLS: DOCKER_HOST=tcp://dind:2375', () => {
    const s = stage('dind-no-tls', 'docker', 'build');
    // set empty, not unset: docker:dind's own default is /certs
    expect(s.sidecars[0].args.split(' ')).toContain('--env=DOCKER_TLS_CERTDIR=');
    expect(s.sidecars[0].env).toEqual(['POLYCI_ID=<ID>']);
    expect(s.sidecars[0].command).toBe('--tls=false');
    expect(s.sh[0].insideArgs).toBe('--network=<ID> --env=DOCKER_HOST=tcp://dind:2375');
  });

  test.each(agents)('socket (%s): the docker agent with the host socket (seed 001) and a warning', (agent) => {
    const s = stage('socket', agent, 'build');
    expect(s.agent).toMatchObject({ kind: 'docker', args: '-v /var/run/docker.sock:/var/run/docker.sock' });
    const r = jenkinsTarget.emit(loadExample('socket'), { agent });
    expect(r.diagnostics).toContainEqual(expect.objectContaining({ code: 'PCI030', severity: 'warning', path: 'jobs.build.docker' }));
  });

  test('socket proxy on Kubernetes: the proxy reads the host socket read-only with the allow-list; the client uses tcp 2375', () => {
    const s = stage('socket-proxy', 'kubernetes', 'build');
    const proxy = podContainer(s, 'socket-proxy');
    expect(proxy.volumeMounts).toEqual([{ name: 'docker-socket', mountPath: '/var/run/docker.sock', readOnly: true }]);
    expect(envOf(proxy)).toMatchObject({ BUILD: '1', IMAGES: '1', POST: '1' });
    expect(envOf(proxy).EXEC).toBeUndefined();
    expect(s.agent!.pod.spec.volumes).toEqual([{ name: 'docker-socket', hostPath: { path: '/var/run/docker.sock', type: 'Socket' } }]);
    expect(envOf(podContainer(s, 'docker'))).toEqual({ DOCKER_HOST: 'tcp://localhost:2375' });
  });

  test.each(['kaniko', 'buildah', 'buildkit'])('%s: a pod with the builder container and no privilege', (name) => {
    const s = stage(name, 'kubernetes', 'image');
    const containers = s.agent!.pod.spec.containers;
    expect(containers.map((c: { name: string }) => c.name)).toEqual([name]);
    for (const c of containers) expect(c.securityContext?.privileged).toBeUndefined();
    expect(s.sh.every((x) => x.container === name)).toBe(true);
    expect(s.sh.some((x) => x.label === readinessLabel)).toBe(false);
    if (name === 'buildkit') expect(containers[0].securityContext).toMatchObject({ runAsUser: 1000, seccompProfile: { type: 'Unconfined' }, appArmorProfile: { type: 'Unconfined' } });
    if (name === 'buildah') expect(envOf(containers[0])).toEqual({ STORAGE_DRIVER: 'vfs', BUILDAH_ISOLATION: 'chroot' });
    if (name === 'kaniko') expect(containers[0].command).toEqual(['/busybox/cat']);
  });

  test('stages follow the job graph; conditions, timeout, retry and builtins', () => {
    const p = read.get('complete-pipeline/kubernetes')!;
    expect(p.layout).toEqual(['lint', 'build', 'release']);
    const build = stage('complete-pipeline', 'kubernetes', 'build');
    expect(build.options).toEqual({ timeout: [{ time: 30, unit: 'MINUTES' }], retry: [2] });
    expect(build.environment.POLYCI_BUILD_NUMBER).toEqual({ gstring: 'env.BUILD_NUMBER' });
    expect(build.environment.REGISTRY_PASSWORD).toEqual({ credential: 'REGISTRY_PASSWORD' });
    const release = stage('complete-pipeline', 'kubernetes', 'release');
    expect(release.when).toEqual({ branches: ['main'], tag: false, anyOf: false, beforeAgent: true });
    const buildkit = read.get('buildkit/kubernetes')!;
    expect(buildkit.layout).toEqual(['test', 'image']);
    expect(jobLevels(loadExample('buildkit'))).toHaveLength(2);
  });
});

describe('options', () => {
  test('agent must be kubernetes or docker (PCI032), and nothing is emitted otherwise', () => {
    const r = jenkinsTarget.emit(loadExample('dind-basic'), { agent: 'swarm' });
    expect(r.files).toEqual([]);
    expect(r.diagnostics).toEqual([expect.objectContaining({ code: 'PCI032', severity: 'error', path: 'jenkins.agent' })]);
  });

  test('an unknown option is a PCI032 warning; other targets\' option groups are not ours', () => {
    const r = jenkinsTarget.emit(loadExample('dind-basic'), { kubernets: false, gitlab: { x: 1 } });
    expect(r.files).toHaveLength(1);
    expect(r.diagnostics.filter((d) => d.code === 'PCI032')).toEqual([expect.objectContaining({ severity: 'warning', path: 'jenkins.kubernets' })]);
  });
});

test('a multi-line Jenkins vendor step is indented line by line; multi-line literals are not', () => {
  const { pipeline } = validatePipeline({
    name: 'p',
    jobs: { j: { image: 'node:22.11', steps: [{ vendor: { target: 'jenkins', step: "junit 'a.xml'\n\nstash 'x'\n" } }, { run: 'echo a\necho b' }] } },
  });
  const text = jenkinsTarget.emit(pipeline!).files[0].contents;
  expect(text).toContain(["        container('job') {", "          junit 'a.xml'", '          ', "          stash 'x'", '          ', "          sh '''\\", 'echo a', "echo b'''", '        }', ''].join('\n'));
});
