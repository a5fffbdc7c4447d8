/**
 * Property tests: random pipelines with hostile strings (quotes, backslashes, `$`,
 * `${...}`, `'''`, newlines, unicode) in names, env values, commands, image tags,
 * build args, branches, labels and artifacts. All generated Jenkinsfiles go through
 * ONE Groovy parser run; each must parse, hold no GString with user data, and read
 * back to exactly the IR's stages, agents, environment and sh steps.
 */
import fc from 'fast-check';
import { clientEnv, daemonEnv, jobStrategy, shellQuote, strategyImages, usesTls, type Pipeline } from '@polyci/core';
import { groovySingleQuoted, groovyString, groovyTripleQuoted, jenkinsTarget } from '@polyci/jenkins';
import { hostileString } from '../support/arbitraries';
import { checkKubernetesPlugin, parseGroovy, type GroovyFile } from '../validators';
import { jenkinsPipelineArb } from './arbitraries';
import { actualLayout, actualSh, builtinSource, expectedEnvironment, expectedLayout, expectedSh, stageNames } from './expected';
import { foreignGStrings, readJenkinsfile } from './read-jenkinsfile';

const runs = Number(process.env.POLYCI_PROPERTY_RUNS ?? 300);
const seed = Number(process.env.POLYCI_SEED ?? Date.now() % 2 ** 31);

interface Case {
  pipeline: Pipeline;
  agent: 'kubernetes' | 'docker';
  text: string;
  nameLiteral: string;
}

// eslint-disable-next-line no-console
console.log(`jenkins property tests: ${runs} pipelines, seed ${seed} (POLYCI_SEED=${seed} to replay)`);

const emitted: ReturnType<typeof jenkinsTarget.emit>[] = [];
const cases: Case[] = fc.sample(jenkinsPipelineArb, { numRuns: runs, seed }).map((pipeline, i) => {
  const agent = i % 2 === 0 ? 'kubernetes' : 'docker';
  const r = jenkinsTarget.emit(pipeline, { agent });
  if (r.files.length !== 1) throw new Error(`case ${i} emitted nothing: ${JSON.stringify(r.diagnostics)}\n${JSON.stringify(pipeline)}`);
  const text = r.files[0].contents;
  const nameLine = text.split('\n').find((l) => l.startsWith('// pipeline: '))!;
  emitted.push(r);
  return { pipeline, agent, text, nameLiteral: nameLine.slice('// pipeline: '.length) };
});

// Strings alone, in every literal form, including characters beyond the hostile fragments.
const strings = fc.sample(fc.oneof(hostileString(0), fc.fullUnicodeString({ maxLength: 12 }), fc.constantFrom('\\u0027', '\\\\u0041', "'''", "\\'''", "''", "'", '\\', '\r', '\u0000\u0001\u001f')), { numRuns: runs, seed });

let results: Awaited<ReturnType<typeof parseGroovy>>;
beforeAll(async () => {
  const files: GroovyFile[] = cases.map((c, i) => ({ name: `case-${i}/Jenkinsfile`, text: c.text }));
  files.push({ name: 'names', text: cases.map((c) => `x(${c.nameLiteral})`).join('\n') });
  files.push({ name: 'strings', text: strings.map((s) => `x(${groovySingleQuoted(s)}, ${groovyTripleQuoted(s)}, ${groovyString(s)})`).join('\n') });
  results = await parseGroovy(files);
}, 300000);

const describeCase = (i: number) => `case ${i} (seed ${seed}, agent ${cases[i].agent}):\n${JSON.stringify(cases[i].pipeline)}\n${cases[i].text}`;

test(`${runs} random Jenkinsfiles parse and read back as their IR`, () => {
  cases.forEach((c, i) => {
    const r = results[i];
    try {
      expect(r.errors).toEqual([]);
      expect(foreignGStrings(r, Object.values(builtinSource))).toEqual([]);
      const p = readJenkinsfile(r);
      expect(p.topLevel).toEqual(['pipeline']);
      expect(actualLayout(p)).toEqual(expectedLayout(c.pipeline));
      expect(p.environment).toEqual(Object.fromEntries(Object.entries(c.pipeline.env).map(([k, v]) => [k, { literal: v }])));
      expect(p.triggers).toEqual((c.pipeline.triggers.schedule ?? []).map((s) => s.cron));
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
        expect(s.when.branches).toEqual(job.conditions?.branches ?? []);
        expect(s.when.tag).toBe(job.conditions?.tags === true);
        expect(s.input !== undefined).toBe(job.conditions?.manual === true);
        expect(s.artifacts).toEqual(job.artifacts?.paths ?? []);
        expect(s.options.timeout).toEqual(job.timeoutMinutes ? [{ time: job.timeoutMinutes, unit: 'MINUTES' }] : undefined);
        expect(s.options.retry).toEqual(job.retry ? [job.retry + 1] : undefined);
        // Services: in the pod with their env and command, or docker-workflow sidecars with theirs.
        for (const svc of job.services) {
          if (s.agent?.kind === 'kubernetes') {
            const container = s.agent.pod.spec.containers.find((x: { image: string; env?: unknown[] }) => x.image === svc.image && JSON.stringify(Object.fromEntries(((x.env ?? []) as { name: string; value: string }[]).map((e) => [e.name, e.value]))) === JSON.stringify(svc.env ?? {}));
            expect(container).toBeDefined();
            expect(container.args).toEqual(svc.command && svc.command.length > 0 ? svc.command : undefined);
            expect(s.agent.pod.spec.hostAliases[0].hostnames).toContain(svc.alias);
          } else {
            const sidecar = s.sidecars.find((x) => x.image === svc.image && x.args.includes(`--network-alias=${svc.alias}`));
            expect(sidecar).toBeDefined();
            expect(sidecar!.env.filter((e) => !e.startsWith('POLYCI_ID='))).toEqual(Object.entries(svc.env ?? {}).flatMap(([k, v]) => (v === '' ? [] : [`${k}=${v}`])));
            for (const [k, v] of Object.entries(svc.env ?? {})) expect(sidecar!.args.split(' ')).toContain(v === '' ? `--env=${k}=` : `--env=${k}`);
            expect(sidecar!.command).toEqual(svc.command && svc.command.length > 0 ? svc.command.map(shellQuote).join(' ') : undefined);
          }
        }
        // The client reaches the daemon exactly as the strategy says: host, port, TLS and certs.
        const strategy = jobStrategy(job);
        if (strategy && ['dind', 'dind-rootless', 'socket-proxy'].includes(strategy.strategy)) {
          if (s.agent?.kind === 'kubernetes') {
            const byName = (n: string) => s.agent!.pod.spec.containers.find((x: { name: string }) => x.name === n);
            const env = (x: { env?: { name: string; value: string }[] }) => Object.fromEntries((x.env ?? []).map((e) => [e.name, e.value]));
            expect(env(byName('docker'))).toEqual(clientEnv(strategy, 'localhost'));
            expect(env(byName(strategy.strategy === 'socket-proxy' ? 'socket-proxy' : 'dind'))).toEqual(daemonEnv(strategy));
            expect(byName('docker').volumeMounts).toEqual(usesTls(strategy) ? [{ name: 'docker-certs', mountPath: '/certs/client', readOnly: true }] : undefined);
          } else {
            const alias = strategy.strategy === 'socket-proxy' ? 'socket-proxy' : 'dind';
            for (const sh of s.sh.filter((x) => x.inside)) {
              const flags = sh.insideArgs!.split(' ');
              expect(flags.filter((f) => f.startsWith('--env='))).toEqual(Object.entries(clientEnv(strategy, alias)).map(([k, v]) => `--env=${k}=${v}`));
              expect(flags.includes('--volume=<ID>-docker-certs:/certs/client:ro')).toBe(usesTls(strategy));
              expect(flags).toContain('--network=<ID>');
            }
            const daemonSidecar = s.sidecars.find((x) => x.args.includes(`--network-alias=${alias} `));
            expect(daemonSidecar?.image).toBe(strategyImages(strategy).daemon);
          }
        }
        if (strategy?.strategy === 'socket') {
          // seed 001's docker agent; with services, docker-workflow containers on a build network
          if (job.services.length === 0) {
            expect(s.agent?.kind).toBe('docker');
            expect(s.agent?.args?.startsWith(`-v ${strategy.path}:/var/run/docker.sock`)).toBe(true);
          }
          else for (const sh of s.sh) expect(sh.insideArgs).toContain(`-v ${strategy.path}:/var/run/docker.sock`);
        }
        if (job.runner?.labels && (s.agent?.kind === 'docker' || s.agent?.kind === 'label')) expect(s.agent.label).toBeDefined();
        // Resources go to the pod: the job's to the container its steps run in, the strategy's to the daemon or builder.
        if (s.agent?.kind === 'kubernetes') {
          const containers = s.agent.pod.spec.containers as { name: string; resources?: unknown }[];
          const quantities = (r: { cpu?: string; memory?: string } | undefined) => (r && (r.cpu || r.memory) ? { requests: JSON.parse(JSON.stringify(r)), limits: JSON.parse(JSON.stringify(r)) } : undefined);
          const strategyResources = strategy && 'resources' in strategy ? strategy.resources : undefined;
          const sidecar = containers.find((c) => ['dind', 'kaniko', 'buildah', 'buildkit'].includes(c.name));
          const main = containers.find((c) => c.name === 'docker' || c.name === 'job');
          if (sidecar) expect(sidecar.resources).toEqual(quantities(strategyResources ?? (main ? undefined : job.runner?.resources)));
          if (main) expect(main.resources).toEqual(quantities(job.runner?.resources));
          if (!main && strategyResources && job.runner?.resources) expect(emitted[i].diagnostics).toContainEqual(expect.objectContaining({ code: 'PCI031', path: `jobs.${id}.runner.resources` }));
        }
        // Privilege only where the strategy requires it.
        const privileged = s.agent?.kind === 'kubernetes' ? s.agent.pod.spec.containers.filter((x: { securityContext?: { privileged?: boolean } }) => x.securityContext?.privileged).map((x: { name: string }) => x.name) : s.sidecars.filter((x) => x.args.includes('--privileged')).map(() => 'sidecar');
        const needs = job.docker && ['dind', 'dind-rootless', 'socket-proxy'].includes(job.docker.strategy) ? 1 : 0;
        expect(privileged).toHaveLength(needs);
      }
    } catch (e) {
      throw new Error(`${describeCase(i)}\n${(e as Error).message}`);
    }
  });
});

test('the pipeline name in the header reads back exactly', () => {
  const r = results[cases.length];
  expect(r.errors).toEqual([]);
  expect(r.statements.map((s) => (s as { args: unknown[] }).args[0])).toEqual(cases.map((c) => c.pipeline.name));
});

test(`${runs} hostile strings read back exactly in every literal form`, () => {
  const r = results[cases.length + 1];
  expect(r.errors).toEqual([]);
  expect(r.statements.map((s) => (s as { args: unknown[] }).args)).toEqual(strings.map((s) => [s, s, s]));
});

test('emission never throws, is deterministic, and writes a file exactly when no diagnostic is an error', () => {
  fc.assert(
    fc.property(jenkinsPipelineArb, fc.constantFrom('kubernetes', 'docker'), (pipeline, agent) => {
      const a = jenkinsTarget.emit(pipeline, { agent, source: 'ci.config.ts' });
      const b = jenkinsTarget.emit(structuredClone(pipeline), { agent, source: 'ci.config.ts' });
      expect(b).toEqual(a);
      expect(a.files.length).toBe(a.diagnostics.some((d) => d.severity === 'error') ? 0 : 1);
      for (const d of a.diagnostics) expect(d).toEqual(expect.objectContaining({ code: expect.stringMatching(/^PCI03\d$/), path: expect.any(String), hint: expect.any(String) }));
    }),
    { numRuns: runs, seed },
  );
});
