/**
 * The GitHub importer: fixtures (test/fixtures/github/<case>/input.yml beside the
 * expected IR and diagnostics), the round trip of every example, constructs one by
 * one, and fuzzing (it returns diagnostics, never throws).
 */
import fc from 'fast-check';
import { readdirSync, readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { buildImageCommands, comparePipelines, parsePipeline, validatePipeline, type BuildImage, type ConcreteStrategy, type Pipeline } from '@polyci/core';
import { buildFromScript, githubTarget, importGithub, parseJobCondition, shellWords } from '@polyci/github';
import { exampleNames, loadExample } from '../support/examples';
import { hostileString, pipelineArb } from '../support/arbitraries';
import { richPipelineArb } from './arbitraries';

const fixtures = resolve(__dirname, '../fixtures/github');
const cases = readdirSync(fixtures, { withFileTypes: true }).filter((d) => d.isDirectory()).map((d) => d.name).sort();

/**
 * The pipeline without what GitHub cannot carry through a workflow (each is a
 * PCI031 on emit), so that the round trip must bring back everything else exactly.
 */
function expressibleOnGithub(pipeline: Pipeline): Pipeline {
  const jobs: Pipeline['jobs'] = {};
  for (const [id, job] of Object.entries(pipeline.jobs)) {
    const { retry, stage, runner, ...rest } = job; // no automatic retry, no stages
    void retry;
    void stage;
    const labels = runner?.labels; // queue (Buildkite), tags (GitLab) and resources have no runs-on spelling
    // dockerd 27+ needs --tls=false for plain TCP, and a GitHub service takes no arguments: TLS stays on
    const docker = rest.docker && (rest.docker.strategy === 'dind' || rest.docker.strategy === 'dind-rootless') && !rest.docker.tls && !(Number(/^(\d+)/.exec(rest.docker.version ?? '27')?.[1]) < 27) ? { ...rest.docker, tls: true } : rest.docker;
    jobs[id] = {
      ...rest,
      ...(docker ? { docker } : {}),
      ...(labels ? { runner: { labels } } : {}),
      services: job.services.map(({ command, ...svc }) => (void command, svc)), // services take no command
    };
  }
  return { ...pipeline, policy: {}, jobs }; // policy is a compile-time check, in no vendor's file
}

/** `$NAME` and `${NAME}` in build fields are the same reference; the import spells it `${NAME}`. */
function canonicalRefs(pipeline: Pipeline): Pipeline {
  const braces = (s: string) => s.replace(/\$([A-Za-z_][A-Za-z0-9_]*)/g, '${$1}');
  const jobs: Pipeline['jobs'] = {};
  for (const [id, job] of Object.entries(pipeline.jobs)) {
    jobs[id] = {
      ...job,
      steps: job.steps.map((s) =>
        'buildImage' in s
          ? { ...s, buildImage: { ...s.buildImage, tags: s.buildImage.tags.map(braces), target: s.buildImage.target === undefined ? undefined : braces(s.buildImage.target), buildArgs: Object.fromEntries(Object.entries(s.buildImage.buildArgs).map(([k, v]) => [k, braces(v)])), labels: Object.fromEntries(Object.entries(s.buildImage.labels).map(([k, v]) => [k, braces(v)])) } }
          : s,
      ),
    };
  }
  return { ...pipeline, jobs };
}

const notBashNote = (d: { path?: string }) => d.path !== 'defaults';

function importText(contents: string, path = '.github/workflows/ci.yml') {
  return importGithub([{ path, contents }]);
}

describe('fixtures', () => {
  it('has at least 8 realistic workflows', () => expect(cases.length).toBeGreaterThanOrEqual(8));

  describe.each(cases)('%s', (name) => {
    const input = readFileSync(join(fixtures, name, 'input.yml'), 'utf8');
    const expected = JSON.parse(readFileSync(join(fixtures, name, 'expected.json'), 'utf8'));
    const result = importText(input, `${name}/input.yml`);

    it('imports to the expected IR', () => {
      expect(result.pipeline).toEqual(expected.pipeline);
      expect(parsePipeline(result.pipeline).diagnostics).toEqual([]);
    });

    it('reports the expected diagnostics, each with file:line:col', () => {
      expect(result.diagnostics.map((d) => ({ code: d.code, severity: d.severity, line: d.line }))).toEqual(expected.diagnostics);
      for (const d of result.diagnostics) {
        expect(d.file).toBe(`${name}/input.yml`);
        expect(d.line).toBeGreaterThan(0);
        expect(d.column).toBeGreaterThan(0);
      }
    });

    it('never repeats a literal credential', () => {
      for (const secret of ['sntrys_0123456789abcdef', 'hunter2']) expect(JSON.stringify(result.diagnostics)).not.toContain(secret);
      expect(JSON.stringify(result.pipeline)).not.toContain('hunter2');
    });

    it('validates, and emits back to a workflow actionlint accepts', () => {
      const checked = validatePipeline(result.pipeline);
      expect(checked.diagnostics.filter((d) => d.severity === 'error')).toEqual([]);
      const emitted = githubTarget.emit(checked.pipeline!, { source: `${name}/input.yml` });
      expect(emitted.diagnostics.filter((d) => d.severity === 'error')).toEqual([]);
    });
  });
});

describe.each(exampleNames())('round trip of example %s', (name) => {
  it('import(emit(example)) equals the example, but for what GitHub cannot express', () => {
    const example = loadExample(name);
    const emitted = githubTarget.emit(example, { source: 'ci.config.ts' });
    const imported = githubTarget.import!(emitted.files.map((f) => ({ path: f.path, contents: f.contents })));
    expect(imported.diagnostics.filter((d) => d.severity !== 'info')).toEqual([]);
    expect(comparePipelines(expressibleOnGithub(example), imported.pipeline).differences).toEqual([]);
  });
});

it.each([
  ['random pipelines', pipelineArb],
  ['random pipelines with labels, services, artifacts, cache and step names', richPipelineArb],
])('%s (200) come back from their own workflow', (_, arb) => {
  fc.assert(
    fc.property(arb, (pipeline: Pipeline) => {
      const emitted = githubTarget.emit(pipeline, {});
      const imported = githubTarget.import!(emitted.files.map((f) => ({ path: f.path, contents: f.contents })));
      expect(imported.diagnostics.filter((d) => d.severity === 'error')).toEqual([]);
      // a job image beside a buildah/buildkit builder is not emitted (PCI030 on emit)
      const lost = Object.entries(pipeline.jobs).flatMap(([id, j]) => [
        ...(j.image && ['buildah', 'buildkit'].includes(j.docker?.strategy ?? '') ? [`jobs.${id}.image`] : []),
        // kaniko and BuildKit live only in their build steps: a job of theirs that builds nothing is a plain job
        ...(['kaniko', 'buildkit'].includes(j.docker?.strategy ?? '') && !j.steps.some((s) => 'buildImage' in s) ? [`jobs.${id}.docker`] : []),
        // buildctl's --output is CSV: names with commas stay the run step they were written as
        ...(j.docker?.strategy === 'buildkit' ? j.steps.flatMap((s, i) => ('buildImage' in s && s.buildImage.tags.length > 1 && s.buildImage.tags.some((t) => t.includes(',') || t.includes('"')) ? [`jobs.${id}.steps.${i}`] : [])) : []),
        // kaniko always names the Dockerfile: an unnamed one comes back as its default path
        ...(j.docker?.strategy === 'kaniko' ? j.steps.flatMap((s, i) => ('buildImage' in s && s.buildImage.dockerfile === undefined ? [`jobs.${id}.steps.${i}.buildImage.dockerfile`] : [])) : []),
      ]);
      const { differences } = comparePipelines(canonicalRefs(expressibleOnGithub(pipeline)), imported.pipeline, lost);
      expect(differences).toEqual([]);
    }),
    { numRuns: 200, seed: 4242 },
  );
});

describe('constructs', () => {
  it('reads `on` as a string, a list and a map', () => {
    const jobs = 'jobs:\n  a:\n    runs-on: ubuntu-latest\n    steps:\n      - run: "true"\n';
    expect(importText(`on: push\n${jobs}`).pipeline.triggers).toEqual({ push: {} });
    expect(importText(`on: [push, pull_request, workflow_dispatch]\n${jobs}`).pipeline.triggers).toEqual({ push: {}, pullRequest: {}, manual: true });
    expect(importText(`on:\n  push:\n    branches: main\n    tags: [v*]\n${jobs}`).pipeline.triggers).toEqual({ push: { branches: ['main'], tags: ['v*'] } });
    const release = importText(`on:\n  release:\n    types: [published]\n${jobs}`);
    expect(release.pipeline.vendor?.github?.on).toEqual({ release: { types: ['published'] } });
    expect(release.diagnostics.find((d) => d.code === 'PCI042')?.line).toBe(2);
  });

  it('reads runs-on as a string, a list and a group', () => {
    const wf = (runsOn: string) => `on: push\njobs:\n  a:\n    runs-on: ${runsOn}\n    steps:\n      - run: "true"\n`;
    expect(importText(wf('ubuntu-latest')).pipeline.jobs.a.runner).toBeUndefined();
    expect(importText(wf('[self-hosted, gpu]')).pipeline.jobs.a.runner).toEqual({ labels: ['self-hosted', 'gpu'] });
    const group = importText(wf('{group: large, labels: [linux]}'));
    expect(group.pipeline.jobs.a.runner).toEqual({ labels: ['linux'] });
    expect(group.pipeline.jobs.a.vendor?.github?.['runs-on']).toEqual({ group: 'large', labels: ['linux'] });
  });

  it('reads needs as a string or a list', () => {
    const wf = 'on: push\njobs:\n  a:\n    runs-on: x\n    steps: [{run: a}]\n  b:\n    needs: a\n    runs-on: x\n    steps: [{run: b}]\n  c:\n    needs: [a, b]\n    runs-on: x\n    steps: [{run: c}]\n';
    const p = importText(wf).pipeline;
    expect(p.jobs.b.needs).toEqual(['a']);
    expect(p.jobs.c.needs).toEqual(['a', 'b']);
  });

  it('turns secrets into names, and literal credentials into secrets without repeating them', () => {
    const wf = 'on: push\nenv:\n  GITHUB_PAT: ghp_abcdefabcdef\njobs:\n  a:\n    runs-on: x\n    env:\n      TOKEN: ${{ secrets.TOKEN }}\n      DEPLOY_PASSWORD: "s3cr3t!"\n    steps:\n      - run: make\n        env:\n          KEY: ${{ secrets.OTHER }}\n';
    const r = importText(wf);
    expect(r.pipeline.jobs.a.secrets.sort()).toEqual(['DEPLOY_PASSWORD', 'GITHUB_PAT', 'OTHER', 'TOKEN']);
    expect(r.pipeline.jobs.a.env).toEqual({});
    expect(r.pipeline.jobs.a.steps[0]).toEqual({ run: 'make', env: { KEY: '${OTHER}' } });
    const pci044 = r.diagnostics.filter((d) => d.code === 'PCI044');
    expect(pci044.map((d) => d.line)).toEqual([3, 9]);
    expect(JSON.stringify(r)).not.toContain('s3cr3t!');
    expect(JSON.stringify(r)).not.toContain('ghp_abcdefabcdef');
  });

  it('keeps complex conditions, matrices, outputs and permissions in vendor.github with their line', () => {
    const wf = 'on: push\njobs:\n  a:\n    runs-on: x\n    if: always()\n    outputs:\n      v: ${{ steps.s.outputs.v }}\n    permissions:\n      id-token: write\n    strategy:\n      matrix:\n        n: [1, 2]\n    steps:\n      - run: "true"\n';
    const r = importText(wf);
    expect(r.pipeline.jobs.a.vendor?.github).toEqual({ if: 'always()', outputs: { v: '${{ steps.s.outputs.v }}' }, permissions: { 'id-token': 'write' }, strategy: { matrix: { n: [1, 2] } } });
    expect(r.diagnostics.filter((d) => d.code === 'PCI042' && notBashNote(d)).map((d) => d.line).sort()).toEqual([10, 5, 6, 8]);
  });

  it('parses simple ref conditions and refuses the rest', () => {
    expect(parseJobCondition("github.ref == 'refs/heads/main'")).toEqual({ branches: ['main'] });
    expect(parseJobCondition("${{ startsWith(github.ref, 'refs/tags/') }}")).toEqual({ tags: true });
    expect(parseJobCondition("(github.ref == 'refs/heads/a' || startsWith(github.ref, 'refs/heads/rel/')) && github.event_name == 'workflow_dispatch'")).toEqual({ branches: ['a', 'rel/*'], manual: true });
    expect(parseJobCondition("github.ref == 'refs/heads/a' || github.ref == 'refs/heads/b' && github.event_name == 'workflow_dispatch'")).toBeUndefined();
    expect(parseJobCondition("github.actor == 'me'")).toBeUndefined();
  });

  it('takes polyci wiring back out of a dind job and keeps the user env', () => {
    const wf = 'on: push\njobs:\n  a:\n    runs-on: ubuntu-latest\n    services:\n      docker:\n        image: docker:26.1.0-dind\n        options: --privileged\n        env:\n          DOCKER_TLS_CERTDIR: /certs\n    container:\n      image: docker:26.1.0-cli\n      env:\n        DOCKER_HOST: tcp://docker:2376\n        DOCKER_TLS_VERIFY: "1"\n        DOCKER_CERT_PATH: /certs/client\n        FOO: bar\n    steps:\n      - run: docker info\n';
    const job = importText(wf).pipeline.jobs.a;
    expect(job.docker).toEqual({ strategy: 'dind', tls: true, cacheVolume: false, version: '26.1.0' });
    expect(job.env).toEqual({ FOO: 'bar' });
    expect(job.image).toBeUndefined();
  });

  it('turns a job that uses the runner daemon into an auto strategy', () => {
    const r = importText('on: push\njobs:\n  a:\n    runs-on: ubuntu-latest\n    steps:\n      - run: docker build -t x .\n');
    expect(r.pipeline.jobs.a.docker).toEqual({ strategy: 'auto' });
  });

  it('keeps other actions and odd shells as GitHub steps', () => {
    const r = importText('on: push\njobs:\n  a:\n    runs-on: x\n    steps:\n      - uses: actions/setup-go@v5\n        with:\n          go-version: "1.23"\n      - run: echo hi\n        shell: python\n      - run: make\n        if: success()\n');
    expect(r.pipeline.jobs.a.steps).toEqual([
      { vendor: { target: 'github', step: { uses: 'actions/setup-go@v5', with: { 'go-version': '1.23' } } } },
      { vendor: { target: 'github', step: { run: 'echo hi', shell: 'python' } } },
      { vendor: { target: 'github', step: { run: 'make', if: 'success()' } } },
    ]);
    expect(r.diagnostics.filter((d) => d.code === 'PCI042' && notBashNote(d)).map((d) => d.line)).toEqual([6, 9, 11]);
  });

  it('reports syntax errors with line and column, and bad shapes without throwing', () => {
    const r = importText('on: push\njobs:\n  a: [\n');
    expect(r.diagnostics[0]).toMatchObject({ code: 'PCI040', severity: 'error', line: expect.any(Number), column: expect.any(Number) });
    expect(importText('- just\n- a list\n').diagnostics[0]).toMatchObject({ code: 'PCI040', line: 1 });
    expect(importText('on: push\njobs: 3\n').diagnostics.some((d) => d.code === 'PCI040' && d.line === 2)).toBe(true);
  });
});

describe('build commands back into buildImage', () => {
  const strategies: ConcreteStrategy[] = [
    { strategy: 'dind', tls: true, cacheVolume: false },
    { strategy: 'kaniko' },
    { strategy: 'buildah' },
    { strategy: 'buildkit' },
  ];
  const buildArb = fc.record({
    context: fc.constantFrom('.', 'app', './svc/'),
    dockerfile: fc.option(fc.constantFrom('Dockerfile.ci', 'docker/Dockerfile'), { nil: undefined }),
    target: fc.option(hostileString(), { nil: undefined }),
    buildArgs: fc.dictionary(fc.stringMatching(/^[A-Z][A-Z0-9_]{0,6}$/), hostileString(0), { maxKeys: 2 }),
    tags: fc.array(fc.oneof(hostileString(), fc.constant('reg.io/app:${POLYCI_BUILD_NUMBER}')), { minLength: 1, maxLength: 2 }),
    push: fc.boolean(),
    labels: fc.dictionary(fc.stringMatching(/^[a-z][a-z.]{0,6}$/), hostileString(0), { maxKeys: 2 }),
    login: fc.option(fc.record({ server: fc.option(fc.constantFrom('ghcr.io', 'reg.example.com:5000'), { nil: undefined }), usernameSecret: fc.constant('U'), passwordSecret: fc.constant('P') }), { nil: undefined }),
  });

  it('reads every build polyci writes, for every builder, and writes the same commands again', () => {
    fc.assert(
      fc.property(buildArb, fc.constantFrom(...strategies), (raw, strategy) => {
        const input = Object.fromEntries(Object.entries(raw).filter(([, v]) => v !== undefined));
        const checked = validatePipeline({ name: 'b', jobs: { a: { docker: strategy, steps: [{ buildImage: input }] } } });
        const step = checked.pipeline?.jobs.a.steps[0];
        if (!step || !('buildImage' in step)) return;
        const build: BuildImage = step.buildImage;
        // buildctl's --output is CSV: a comma inside an image name (never a valid reference) cannot be told apart
        fc.pre(!(strategy.strategy === 'buildkit' && build.tags.length > 1 && build.tags.some((t) => t.includes(',') || t.includes('"'))));
        const script = buildImageCommands(build, strategy).join('\n');
        const back = buildFromScript(script, strategy);
        expect(back).toBeDefined();
        expect(buildImageCommands(back!, strategy).join('\n')).toBe(script);
        const braces = (t: string) => t.replace(/\$([A-Za-z_][A-Za-z0-9_]*)/g, '${$1}');
        expect(back!.tags).toEqual(build.tags.map(braces));
        expect(back!.push).toBe(build.push);
        expect(back!.buildArgs).toEqual(Object.fromEntries(Object.entries(build.buildArgs).map(([k, v]) => [k, braces(v)])));
        expect(back!.login).toEqual(build.login && strategy.strategy !== 'dind' && !build.login.server ? { ...build.login } : build.login);
      }),
      { numRuns: 300 },
    );
  });

  it('leaves hand-written commands that say something else as run steps', () => {
    expect(buildFromScript('docker build -t app .', { strategy: 'dind', tls: true, cacheVolume: false })).toBeUndefined();
    expect(buildFromScript('docker build --tag app . && rm -rf /', { strategy: 'dind', tls: true, cacheVolume: false })).toBeUndefined();
    expect(shellWords(`a 'b c' "\${X}"d`)).toEqual(['a', 'b c', '${X}d']);
  });
});

describe('fuzz: the importer never throws', () => {
  const seeds = exampleNames().map((n) => githubTarget.emit(loadExample(n), {}).files[0].contents).concat(cases.map((c) => readFileSync(join(fixtures, c, 'input.yml'), 'utf8')));
  const check = (contents: string) => {
    const r = importText(contents);
    expect(Array.isArray(r.diagnostics)).toBe(true);
    expect(r.pipeline).toBeDefined();
    for (const d of r.diagnostics) expect(typeof d.message).toBe('string');
  };

  it('on random text', () => {
    fc.assert(fc.property(fc.oneof(fc.string({ maxLength: 300 }), fc.fullUnicodeString({ maxLength: 120 }), fc.constantFrom('on:', 'jobs:', 'on: push\njobs:\n  a: null', 'on: push\njobs:\n  a:\n    steps: 3')), check), { numRuns: 300 });
  });

  it('on mutated real workflows', () => {
    fc.assert(
      fc.property(fc.nat(seeds.length - 1), fc.nat(), fc.nat(40), fc.oneof(fc.string({ maxLength: 20 }), fc.constantFrom('\n', ':', '- ', '{', '[', '"', "'", '&a', '*a', '${{', '}}', 'null', '\t', '  - run: 1\n', 'services: 3\n')), (which, at, cut, insert) => {
        const text = seeds[which];
        const i = at % (text.length + 1);
        check(text.slice(0, i) + insert + text.slice(i + cut));
      }),
      { numRuns: 500 },
    );
  });
});

it('gives file:line for IR paths, so lint and explain can point into the workflow', () => {
  const r = importText('name: x\non: push\njobs:\n  a:\n    runs-on: ubuntu-latest\n    env:\n      A: b\n    steps:\n      - run: echo 1\n      - uses: actions/checkout@v4\n');
  expect(r.positions?.['jobs.a']).toMatchObject({ line: 4 });
  expect(r.positions?.['jobs.a.env']).toMatchObject({ line: 6 });
  expect(r.positions?.['jobs.a.steps[0]']).toMatchObject({ line: 9 });
  expect(r.positions?.['jobs.a.steps[1]']).toMatchObject({ line: 10 });
  expect(r.positions?.triggers).toMatchObject({ line: 2 });
});

it('reads artifacts and cache back from the actions polyci writes for them', () => {
  const p = validatePipeline({ name: 'a', jobs: { a: { steps: [{ checkout: {} }, { run: 'make' }], artifacts: { paths: ['dist/', 'out/x'], expireIn: '7 days' }, cache: { key: 'deps-v1', paths: ['node_modules'] } }, b: { needs: ['a'], steps: [{ run: 'ls dist' }] } } }).pipeline!;
  const emitted = githubTarget.emit(p, {});
  const imported = githubTarget.import!(emitted.files.map((f) => ({ path: f.path, contents: f.contents })));
  expect(comparePipelines(p, imported.pipeline).differences).toEqual([]);
  expect(imported.diagnostics.filter((d) => d.severity !== 'info')).toEqual([]);
});

it('reports keys GitHub itself rejects (PCI043) and leaves them out', () => {
  const r = importText('on: push\nconcurency: x\njobs:\n  a:\n    runs-on: x\n    timeout: 5\n    steps:\n      - run: "true"\n        timeout: 3\n');
  expect(r.diagnostics.filter((d) => d.code === 'PCI043').map((d) => d.line)).toEqual([2, 9, 6]);
  expect(r.pipeline.jobs.a.steps).toEqual([{ run: 'true' }]);
  expect(r.pipeline.vendor).toBeUndefined();
  expect(r.pipeline.jobs.a.vendor).toBeUndefined();
});
