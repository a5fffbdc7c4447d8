/**
 * The Buildkite importer: import(emit(ir)) gives the IR back, for every example
 * and for random pipelines.
 */
import fc from 'fast-check';
import { comparePipelines, parsePipeline, validatePipeline, type Pipeline } from '@polyci/core';
import { emitBuildkite, importBuildkite } from '@polyci/buildkite';
import { pipelineArb } from '../support/arbitraries';
import { exampleNames } from '../support/examples';
import { validateBuildkitePipeline } from '../validators';
import { examplePipeline } from './support';

/** What .buildkite/pipeline.yml cannot carry: builds start from the pipeline settings in Buildkite. */
export const buildkiteCannotExpress = ['triggers'];

function roundTrip(p: Pipeline): { pipeline: Pipeline; errors: unknown[] } {
  const emitted = emitBuildkite(p, { source: 'ci.config.ts' });
  const imported = importBuildkite(emitted.files.map((f) => ({ path: f.path, contents: f.contents })));
  const parsed = parsePipeline(imported.pipeline);
  return { pipeline: parsed.pipeline!, errors: [...imported.diagnostics.filter((d) => d.severity === 'error'), ...parsed.diagnostics] };
}

describe('round trip', () => {
  it.each(exampleNames())('example %s comes back as its IR', (name) => {
    const example = examplePipeline(name);
    const { pipeline, errors } = roundTrip(example);
    expect(errors).toEqual([]);
    expect(comparePipelines(example, pipeline, buildkiteCannotExpress).differences).toEqual([]);
  });
});

/**
 * Two spellings the shell cannot tell apart, which polyci's build commands make one:
 * `$NAME` and `${NAME}` in build fields (core's shellWord writes both as "${NAME}"),
 * and kaniko's `--dockerfile`, which is always written (the importer reads it as named).
 * And one loss the emitter reports (PCI030): a daemonless job runs in its builder's image,
 * so its own image is gone.
 */
function sameMeaning(p: Pipeline): Pipeline {
  const braces = (v: unknown): unknown =>
    typeof v === 'string' ? v.replace(/\$([A-Za-z_][A-Za-z0-9_]*)/g, '${$1}') : Array.isArray(v) ? v.map(braces) : v && typeof v === 'object' ? Object.fromEntries(Object.entries(v).map(([k, x]) => [braces(k) as string, braces(x)])) : v;
  const jobs = Object.fromEntries(
    Object.entries(p.jobs).map(([id, job]) => [
      id,
      {
        ...job,
        image: job.docker && ['kaniko', 'buildah', 'buildkit'].includes(job.docker.strategy) ? undefined : job.image,
        steps: job.steps.map((s) => {
          if (!('buildImage' in s)) return s;
          const b = braces(s.buildImage) as typeof s.buildImage;
          if (job.docker?.strategy === 'kaniko' && b.dockerfile === undefined) b.dockerfile = `${b.context.replace(/\/$/, '')}/Dockerfile`.replace(/^\.\//, '');
          return { ...s, buildImage: b };
        }),
      },
    ]),
  );
  return { ...p, jobs };
}

describe('round trip of random pipelines', () => {
  it('import(emit(p)) equals p for 200 random pipelines (pipelineArb)', () => {
    fc.assert(
      fc.property(pipelineArb, (p) => {
        // buildctl's --output is CSV: such tags are unreadable for buildctl itself (the emitter warns, PCI030)
        fc.pre(!Object.values(p.jobs).some((j) => j.docker?.strategy === 'buildkit' && j.steps.some((s) => 'buildImage' in s && s.buildImage.tags.some((t) => /[,"]/.test(t)))));
        const { pipeline, errors } = roundTrip(p);
        expect(errors).toEqual([]);
        expect(comparePipelines(sameMeaning(p), sameMeaning(pipeline), buildkiteCannotExpress).differences).toEqual([]);
      }),
      { numRuns: 200, seed: 777 },
    );
  });
});

describe('round trip of every IR feature Buildkite carries', () => {
  const kitchenSink = validatePipeline({
    name: 'kitchen "sink"\n$HOME',
    env: { GLOBAL: 'x $$ y', TAG: 'app:${POLYCI_BUILD_NUMBER}' },
    policy: { tlsOff: 'allow', unpinnedImages: 'deny' },
    vendor: { buildkite: { gitCredentialsSecret: 'git-creds', notify: [{ email: 'ci@example.com' }] } },
    jobs: {
      test: {
        name: ':node: Test',
        image: 'node:22.11',
        runner: { queue: 'k8s', resources: { cpu: '1', memory: '2Gi' } },
        services: [{ alias: 'db', image: 'postgres:16.4', env: { POSTGRES_DB: 'app' }, ports: [5432], command: ['-c', 'fsync=off'] }],
        steps: [{ checkout: { depth: 5, submodules: true } }, { name: 'Unit \\ tests\n2', run: 'npm test -- --grep "$PATTERN"' }],
        artifacts: { paths: ['coverage/**'] },
        timeoutMinutes: 15,
        retry: 0,
        vendor: { buildkite: { soft_fail: true, group: 'Checks', agents: { arch: 'arm64' } } },
      },
      lint: { steps: [{ run: 'make lint' }], vendor: { buildkite: { group: 'Checks' } } },
      deploy: {
        needs: ['test', 'lint'],
        conditions: { manual: true, branches: ['main', 'release/*'], tags: true },
        secrets: ['DEPLOY_TOKEN'],
        docker: { strategy: 'dind', tls: false, resources: { cpu: '3', memory: '6Gi' } },
        policy: { privileged: 'allow' },
        steps: [{ checkout: {} }, { buildImage: { tags: ['r.example.com/app:${POLYCI_COMMIT_SHA}'], push: true, target: 'prod', buildArgs: { A: '1' } } }],
        vendor: { buildkite: { kubernetes: { podSpec: { nodeSelector: { pool: 'deploy' } } }, plugins: [{ 'slack#v1.0.0': { channel: '#ci' } }] } },
      },
    },
  }).pipeline!;

  it('comes back whole', async () => {
    expect(kitchenSink).toBeDefined();
    const emitted = emitBuildkite(kitchenSink, { source: 'ci.config.ts' });
    expect(await validateBuildkitePipeline(emitted.files[0].contents)).toEqual([]);
    const { pipeline, errors } = roundTrip(kitchenSink);
    expect(errors).toEqual([]);
    expect(comparePipelines(kitchenSink, pipeline, buildkiteCannotExpress).differences).toEqual([]);
  });
});

it('secrets from a Kubernetes Secret come back as job secrets and the option', () => {
  const p = validatePipeline({
    name: 'k8s secrets',
    vendor: { buildkite: { secretsFrom: 'kubernetes', secretName: 'app-secrets' } },
    jobs: {
      plain: { image: 'node:22.11', runner: { resources: { cpu: '1' } }, secrets: ['NPM_TOKEN'], steps: [{ checkout: {} }, { run: 'npm publish' }] },
      build: { docker: { strategy: 'dind' }, secrets: ['REGISTRY_PASSWORD', 'REGISTRY_USER'], steps: [{ run: 'docker build -t a .' }] },
    },
  }).pipeline!;
  const { pipeline, errors } = roundTrip(p);
  expect(errors).toEqual([]);
  expect(comparePipelines(p, pipeline, buildkiteCannotExpress).differences).toEqual([]);
});

it('pipeline-wide secrets become every job\'s secrets; an empty env value stays empty', () => {
  const r = importBuildkite([{ path: 'p.yml', contents: 'secrets: [API_KEY]\nenv:\n  EMPTY: ~\nsteps:\n  - command: make\n    key: a\n  - command: make deploy\n    key: b\n    secrets: [DEPLOY_KEY]\n' }]);
  expect(r.diagnostics.filter((d) => d.severity !== 'info')).toEqual([]);
  expect(r.pipeline.env).toEqual({ EMPTY: '' });
  expect(r.pipeline.jobs.a.secrets).toEqual(['API_KEY']);
  expect(r.pipeline.jobs.b.secrets).toEqual(['DEPLOY_KEY', 'API_KEY']);
  expect(r.pipeline.vendor).toBeUndefined();
});

describe('hand-written docker builds', () => {
  const dindStep = (command: string) =>
    `steps:\n  - key: b\n    command: ${JSON.stringify(command)}\n    plugins:\n      - kubernetes:\n          sidecars:\n            - image: docker:27.3.1-dind\n`;
  const stepsOf = (text: string) => importBuildkite([{ path: 'p.yml', contents: text }]).pipeline.jobs.b.steps;

  it('map to buildImage when every word has a field', () => {
    const steps = stepsOf(dindStep('echo "$$PASS" | docker login -u "$$USER" --password-stdin r.example.com\ndocker build --file=Dockerfile.ci -t r.example.com/a:$BUILDKITE_COMMIT --platform linux/amd64 .\ndocker push r.example.com/a:$BUILDKITE_COMMIT'));
    expect(steps[1]).toEqual({
      buildImage: expect.objectContaining({
        context: '.',
        dockerfile: 'Dockerfile.ci',
        tags: ['r.example.com/a:${POLYCI_COMMIT_SHA}'],
        platforms: ['linux/amd64'],
        push: true,
        login: { server: 'r.example.com', usernameSecret: 'USER', passwordSecret: 'PASS' },
      }),
    });
  });

  it.each([
    ['a pipe', 'docker build -t a . | tee log'],
    ['a substitution', 'docker build -t "a:$$(git rev-parse HEAD)" .'],
    ['an unknown flag', 'docker build --squash -t a .'],
    ['a push of another tag', 'docker build -t a .\ndocker push b'],
    ['only some tags pushed', 'docker build -t a -t b .\ndocker push a'],
    ['another command', 'docker build -t a .\ndocker run a'],
  ])('stay run steps with %s', (_why, command) => {
    expect(stepsOf(dindStep(command))[1]).toEqual({ run: command.replace(/\$\$/g, '$') });
  });

  it('are left alone in files polyci wrote (those come back only as polyci writes builds)', () => {
    expect(stepsOf(`# Generated by polyci from ci.config.ts. Do not edit by hand:\n${dindStep('docker build -t a .')}`)[1]).toEqual({ run: 'docker build -t a .' });
  });
});

it('says which docker plugin options and matrices it cannot carry', () => {
  const r = importBuildkite([{ path: 'p.yml', contents: 'steps:\n  - key: a\n    command: make\n    matrix: [a, b]\n    plugins:\n      - docker#v5.12.0:\n          image: node:22.11\n          always-pull: true\n' }]);
  expect(r.pipeline.jobs.a.image).toBe('node:22.11');
  expect(r.diagnostics).toContainEqual(expect.objectContaining({ code: 'PCI041', line: 7, message: expect.stringContaining('always-pull') }));
  expect(r.diagnostics).toContainEqual(expect.objectContaining({ code: 'PCI041', line: 4, message: expect.stringContaining('matrix') }));
  expect(r.pipeline.jobs.a.vendor?.buildkite?.matrix).toEqual(['a', 'b']);
});
