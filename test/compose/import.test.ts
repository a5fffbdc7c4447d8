/**
 * The compose importer, driven by data: every test/fixtures/compose/<case>/input.yaml
 * imports to the pipeline and diagnostics in expected.json (parsed structures, not
 * strings; UPDATE_FIXTURES=1 rewrites them for review). The seed 001 files import
 * with the right strategy, what is imported is a valid pipeline that compiles back
 * to a compose file docker-compose accepts, and import(emit(example)) is the example.
 */
import { existsSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import fc from 'fast-check';
import { parse } from 'yaml';
import { buildImageCommands, checkPipeline, comparePipelines, jobStrategy, type Diagnostic, type Pipeline } from '@polyci/core';
import { emitCompose, importCompose } from '@polyci/compose';
import { validateCompose } from '../validators';
import { pipelineArb } from '../support/arbitraries';
import { exampleNames, examplePipeline } from './examples';

const fixtures = resolve(__dirname, '../fixtures/compose');
const cases = readdirSync(fixtures).filter((c) => existsSync(join(fixtures, c, 'input.yaml'))).sort();

function importCase(name: string) {
  const path = `${name}/input.yaml`;
  return importCompose([{ path, contents: readFileSync(join(fixtures, path), 'utf8') }]);
}

const summary = (ds: Diagnostic[]) => ds.map((d) => ({ code: d.code, severity: d.severity, line: d.line ?? null })).sort((a, b) => (a.line ?? 0) - (b.line ?? 0) || a.code.localeCompare(b.code));

describe('fixtures', () => {
  it('has at least 8 realistic cases beside the seed cases', () => {
    expect(cases.filter((c) => !c.startsWith('seed-')).length).toBeGreaterThanOrEqual(8);
    expect(cases.filter((c) => c.startsWith('seed-')).length).toBe(6);
  });

  it.each(cases)('%s imports as expected.json says', (name) => {
    const result = importCase(name);
    const actual = { pipeline: result.pipeline, diagnostics: summary(result.diagnostics) };
    const expectedPath = join(fixtures, name, 'expected.json');
    if (process.env.UPDATE_FIXTURES) writeFileSync(expectedPath, `${JSON.stringify(actual, null, 2)}\n`);
    expect(actual).toEqual(JSON.parse(readFileSync(expectedPath, 'utf8')));
  });

  it.each(cases)('%s: every diagnostic names its file and line', (name) => {
    for (const d of importCase(name).diagnostics) {
      expect(d.file).toBe(`${name}/input.yaml`);
      expect(d.line).toBeGreaterThan(0);
    }
  });

  it('imported fixtures are valid pipelines whose compose output docker-compose accepts (one batched file)', async () => {
    // every fixture's jobs in one pipeline (renamed apart), so one docker-compose run checks them all
    const merged: Pipeline = { name: 'fixtures', env: {}, triggers: { push: {} }, policy: {}, jobs: {}, vendor: { compose: {} } };
    cases.forEach((name, i) => {
      const { pipeline, diagnostics } = importCase(name);
      expect(diagnostics.filter((d) => d.severity === 'error')).toEqual([]);
      const checked = checkPipeline(pipeline);
      expect(checked.diagnostics.filter((d) => d.severity === 'error')).toEqual([]);
      for (const [id, job] of Object.entries(checked.pipeline.jobs)) merged.jobs[`f${i}_${id}`] = { ...job, needs: job.needs.map((n) => `f${i}_${n}`) };
      for (const [key, value] of Object.entries(pipeline.vendor?.compose ?? {})) {
        const mine = merged.vendor!.compose![key];
        merged.vendor!.compose![key] = mine && typeof mine === 'object' && value && typeof value === 'object' ? { ...mine, ...value } : value;
      }
    });
    const out = emitCompose(merged, { source: 'fixtures' });
    expect(out.diagnostics.filter((d) => d.severity === 'error')).toEqual([]);
    expect(await validateCompose(out.files[0].contents)).toEqual([]);
  });
});

describe('seed 001 compose files', () => {
  const strategyOf = (name: string) => Object.values(importCase(name).pipeline.jobs).map((j) => j.docker);

  it('DinD with TLS: the client reaches docker:dind on 2376; the storage volume is a cache volume', () => {
    expect(strategyOf('seed-dind-tls')).toEqual([{ strategy: 'dind', tls: true, cacheVolume: true }]);
    expect(importCase('seed-dind-tls').pipeline.jobs['docker-client'].steps).toEqual([{ run: 'docker info' }]);
  });
  it('DinD without TLS: DOCKER_TLS_CERTDIR empty and tcp 2375', () => {
    expect(strategyOf('seed-dind-no-tls')).toEqual([{ strategy: 'dind', tls: false, cacheVolume: false }]);
  });
  it('rootless DinD', () => {
    expect(strategyOf('seed-dind-rootless')).toEqual([{ strategy: 'dind-rootless', tls: true, cacheVolume: true }]);
  });
  it('socket binding', () => {
    expect(strategyOf('seed-socket')).toEqual([{ strategy: 'socket', path: '/var/run/docker.sock' }]);
  });
  it('socket proxy: the allow-list from its environment (EVENTS, PING, VERSION are on unless turned off)', () => {
    expect(strategyOf('seed-socket-proxy')).toEqual([
      { strategy: 'socket-proxy', allow: ['BUILD', 'IMAGES', 'CONTAINERS', 'NETWORKS', 'VOLUMES', 'VERSION', 'PING', 'EVENTS', 'POST'], path: '/var/run/docker.sock' },
    ]);
  });
  it('complete DinD pipeline: TLS, cache volume, the workspace as checkout, the docker build lifted out', () => {
    const job = importCase('seed-complete-pipeline').pipeline.jobs.runner;
    expect(job.docker).toEqual({ strategy: 'dind', tls: true, cacheVolume: true });
    expect(job.steps[0]).toEqual({ checkout: {} });
    expect(job.steps[1]).toMatchObject({ buildImage: { context: '.', tags: ['myapp:latest'], push: false } });
    expect(job.steps[2]).toEqual({ run: 'docker run --rm myapp:latest npm test\ndocker tag myapp:latest registry.example.com/myapp:latest' });
  });
});

describe('credentials', () => {
  it('literal credentials become secrets, with PCI044, and the value appears nowhere', () => {
    const text = readFileSync(join(fixtures, 'literal-credentials/input.yaml'), 'utf8');
    const result = importCase('literal-credentials');
    expect(result.pipeline.jobs.publish.secrets).toEqual(expect.arrayContaining(['NPM_TOKEN', 'POSTGRES_PASSWORD', 'GITHUB_TOKEN', 'SENTRY_AUTH_TOKEN']));
    expect(result.diagnostics.filter((d) => d.code === 'PCI044').map((d) => d.line)).toEqual([10, 6]);
    const everything = JSON.stringify(result);
    for (const secret of ['npm_AbCdEf0123456789', 'example-db-password']) {
      expect(text).toContain(secret);
      expect(everything).not.toContain(secret);
    }
  });
});

/**
 * What compose cannot express (each gets a PCI031 on emit), removed from a pipeline
 * before comparing: it cannot come back. Nothing else may differ.
 */
function expressible(p: Pipeline): Pipeline {
  const copy: Pipeline = JSON.parse(JSON.stringify(p));
  copy.triggers = { push: {} }; // a developer starts the pipeline by hand
  copy.policy = {}; // a lint setting, consumed by validation
  for (const job of Object.values(copy.jobs)) {
    delete job.timeoutMinutes;
    delete job.retry;
    delete job.artifacts;
    delete job.cache;
    delete job.stage;
    if (job.conditions) {
      delete job.conditions.branches;
      delete job.conditions.tags;
      if (Object.keys(job.conditions).length === 0) delete job.conditions;
    }
    if (job.runner) {
      delete job.runner.labels;
      delete job.runner.queue;
      delete job.runner.tags;
      if (Object.keys(job.runner).length === 0) delete job.runner;
    }
    for (const step of job.steps) {
      // kaniko takes absolute paths: `Dockerfile` and the default `<context>/Dockerfile` are the same file to it
      if ('buildImage' in step && job.docker?.strategy === 'kaniko' && step.buildImage.dockerfile?.replace(/^\.\//, '') === `${step.buildImage.context}/Dockerfile`.replace(/^\.\//, '')) delete step.buildImage.dockerfile;
    }
  }
  return copy;
}

describe('round trip: import(emit(example)) is the example', () => {
  it.each(exampleNames())('%s', (name) => {
    const example = examplePipeline(name);
    const out = emitCompose(example, { source: 'ci.config.ts' });
    const back = importCompose([{ path: 'compose.yaml', contents: out.files[0].contents }]);
    expect(back.diagnostics.filter((d) => d.severity !== 'info')).toEqual([]);
    expect(comparePipelines(expressible(example), back.pipeline).differences).toEqual([]);
  });
});

/** `$X` and `${X}` are the same reference to a shell, and core's quoting writes the second. */
const braced = (p: Pipeline): Pipeline => JSON.parse(JSON.stringify(p).replace(/\$([A-Za-z_][A-Za-z0-9_]*)/g, '${$1}'));

describe('round trip of random pipelines', () => {
  it('emit(import(emit(p))) is emit(p), and import(emit(p)) is p up to what compose cannot say (250 runs)', () => {
    fc.assert(
      fc.property(pipelineArb, (pipeline) => {
        const out = emitCompose(pipeline, { source: 'ci.config.ts' }).files[0].contents;
        const back = importCompose([{ path: 'compose.yaml', contents: out }]);
        expect(back.diagnostics.filter((d) => d.severity === 'error')).toEqual([]);
        expect(emitCompose(back.pipeline, { source: 'ci.config.ts' }).files[0].contents).toBe(out);
        // a daemonless builder's image replaces the job's (PCI030 on emit); a build whose strings the
        // commands cannot say unambiguously (a tag with a comma for buildctl's CSV, a literal `$`) stays
        // the run step of the same commands
        const lossy = ['jobs.*.image', 'jobs.*.steps.*.buildImage', 'jobs.*.steps.*.run'];
        const { differences, ignored } = comparePipelines(braced(expressible(pipeline)), braced(back.pipeline), lossy);
        expect(differences).toEqual([]);
        for (const d of ignored) {
          const [, id, , index] = d.path.split('.');
          const job = pipeline.jobs[id];
          if (d.path.endsWith('.image')) {
            expect(['kaniko', 'buildah', 'buildkit']).toContain(job.docker?.strategy);
            continue;
          }
          // a build the importer cannot say exactly stays a run step of exactly the same commands
          const step = job.steps[Number(index)];
          expect('buildImage' in step).toBe(true);
          if ('buildImage' in step) expect(back.pipeline.jobs[id].steps[Number(index)]).toEqual({ run: buildImageCommands(step.buildImage, jobStrategy(job)!).join('\n') });
        }
      }),
      { numRuns: 250, seed: 11 },
    );
  });
});

describe('vendor keys go back where they came from', () => {
  it('daemon and service-container keys land on the daemon and the service container again', () => {
    const proxy = importCase('socket-proxy-custom').pipeline;
    const doc = parse(emitCompose(checkPipeline(proxy).pipeline, {}).files[0].contents) as any;
    expect(doc.services['integration.proxy']).toMatchObject({ container_name: 'ci-docker-proxy', restart: 'unless-stopped', environment: { LOG_LEVEL: 'warning', EVENTS: '0', BUILD: '1' } });
    expect(doc.services['integration.proxy'].environment.EXEC).toBeUndefined(); // off unless listed
    expect(doc.services.integration.container_name).toBe('ci-integration');
    const multi = importCase('multi-job-pipeline').pipeline;
    const out = parse(emitCompose(checkPipeline(multi).pipeline, {}).files[0].contents) as any;
    expect(out.services['test.postgres'].healthcheck).toEqual({ test: ['CMD-SHELL', 'pg_isready -U postgres'], interval: '2s' });
    expect(out.services.test.labels).toEqual({ 'polyci.name': 'Unit and integration tests', 'com.example.team': 'platform' });
    expect(out.secrets).toEqual({ kubeconfig: { file: './kubeconfig' } });
  });
});
