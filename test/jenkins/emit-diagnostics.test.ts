/**
 * Nothing the IR says is dropped silently: every field the Jenkinsfile cannot carry
 * gets a diagnostic with its IR path, and what would be wrong output is an error.
 */
import fc from 'fast-check';
import { jobLevels, validatePipeline, type Diagnostic, type Pipeline, type PipelineInput } from '@polyci/core';
import { jenkinsTarget } from '@polyci/jenkins';
import { dockerResourceFlags } from '../../packages/jenkins/src/docker-resources';
import { parseGroovy } from '../validators';
import { readJenkinsfile } from './read-jenkinsfile';

function checked(input: PipelineInput): Pipeline {
  const r = validatePipeline(input);
  if (!r.pipeline) throw new Error(JSON.stringify(r.diagnostics));
  return r.pipeline;
}

const byPath = (ds: Diagnostic[]) => Object.fromEntries(ds.map((d) => [d.path, `${d.code} ${d.severity}`]));

const kitchenSink = checked({
  name: 'kitchen sink',
  triggers: { push: { branches: ['main'], tags: ['v*'] }, pullRequest: { branches: ['main'] }, schedule: [{ cron: 'H 2 * * 1-5' }], manual: true },
  vendor: { jenkins: { disableConcurrentBuilds: true }, gitlab: { workflow: {} } },
  jobs: {
    test: {
      stage: 'test',
      image: 'node:22.11',
      runner: { queue: 'default', tags: ['docker'], labels: ['linux'], resources: { cpu: '1', memory: '1Gi' } },
      cache: { key: 'npm', paths: ['.npm'] },
      artifacts: { paths: ['coverage/**'], expireIn: '1 week' },
      env: { EMPTY: '' },
      steps: [
        { run: 'npm ci' },
        { name: 'Get the code', checkout: { depth: 1, submodules: true } },
        { vendor: { target: 'gitlab', step: { script: ['x'] } } },
        { vendor: { target: 'jenkins', step: "junit 'reports/*.xml'" } },
      ],
      vendor: { jenkins: { options: ['x'] } },
    },
  },
});

describe('kitchen sink', () => {
  test.each(['kubernetes', 'docker'])('%s: each dropped or approximated field has its diagnostic', (agent) => {
    const r = jenkinsTarget.emit(kitchenSink, { agent });
    expect(r.files).toHaveLength(1);
    const found = byPath(r.diagnostics);
    expect(found).toMatchObject({
      'triggers.push.branches': 'PCI031 warning',
      'triggers.push.tags': 'PCI031 warning',
      'triggers.pullRequest': 'PCI031 warning',
      'vendor.jenkins.disableConcurrentBuilds': 'PCI031 warning',
      'jobs.test.stage': 'PCI031 warning',
      'jobs.test.runner.queue': 'PCI031 warning',
      'jobs.test.runner.tags': 'PCI031 warning',
      'jobs.test.cache': 'PCI031 warning',
      'jobs.test.artifacts.expireIn': 'PCI031 warning',
      'jobs.test.env.EMPTY': 'PCI030 warning',
      'jobs.test.steps[1]': 'PCI030 warning',
      'jobs.test.steps[1].checkout.depth': 'PCI031 warning',
      'jobs.test.steps[1].checkout.submodules': 'PCI031 warning',
      'jobs.test.steps[1].name': 'PCI031 warning',
      'jobs.test.steps[2].vendor': 'PCI031 warning',
      'jobs.test.vendor.jenkins.options': 'PCI031 warning',
    });
    // labels choose a node; a pod is placed by Kubernetes
    if (agent === 'kubernetes') expect(found['jobs.test.runner.labels']).toBe('PCI031 warning');
    expect(found['jobs.test.runner.resources']).toBeUndefined();
    expect(r.diagnostics.every((d) => d.path !== undefined && d.hint !== undefined)).toBe(true);
  });

  test('what the Jenkinsfile carries: cron trigger, Jenkins vendor step, artifacts, the checkout', async () => {
    const [k8s, docker] = ['kubernetes', 'docker'].map((agent) => jenkinsTarget.emit(kitchenSink, { agent }).files[0].contents);
    const parsed = await parseGroovy([{ name: 'k8s', text: k8s }, { name: 'docker', text: docker }]);
    for (const p of parsed) {
      const read = readJenkinsfile(p);
      expect(read.triggers).toEqual(['H 2 * * 1-5']);
      const [stage] = read.stages;
      expect(stage.artifacts).toEqual(['coverage/**']);
      expect(stage.options.skipDefaultCheckout).toBeUndefined();
      expect(JSON.stringify(stage.steps)).toContain('"call":"junit","args":["reports/*.xml"]');
    }
    expect(readJenkinsfile(parsed[1]).stages[0].agent).toEqual({ kind: 'docker', image: 'node:22.11', label: 'linux', args: '--cpus=1 --memory=1g' });
    expect(readJenkinsfile(parsed[0]).stages[0].agent?.pod.spec.containers[0].resources).toEqual({ requests: { cpu: '1', memory: '1Gi' }, limits: { cpu: '1', memory: '1Gi' } });
  });
});

describe('errors: no output rather than wrong output', () => {
  const base = (job: Record<string, unknown>): Pipeline => checked({ name: 'p', jobs: { j: { steps: [{ run: 'true' }], ...job } } });

  test('an artifact path with a comma (archiveArtifacts splits on commas)', () => {
    const r = jenkinsTarget.emit(base({ artifacts: { paths: ['a,b'] } }));
    expect(r.files).toEqual([]);
    expect(r.diagnostics).toContainEqual(expect.objectContaining({ code: 'PCI030', severity: 'error', path: 'jobs.j.artifacts.paths[0]' }));
  });

  test('a Jenkins vendor step that is not Groovy text', () => {
    const r = jenkinsTarget.emit(base({ steps: [{ vendor: { target: 'jenkins', step: { junit: 'x' } } }] }));
    expect(r.files).toEqual([]);
    expect(r.diagnostics).toContainEqual(expect.objectContaining({ code: 'PCI030', severity: 'error', path: 'jobs.j.steps[0].vendor.step' }));
  });

  test('docker agent: a service image the shell would split, and a service alias taken by the daemon', () => {
    const r = jenkinsTarget.emit(
      base({ docker: { strategy: 'dind' }, image: 'docker:27.3.1-cli', steps: [{ run: 'docker info' }], services: [{ alias: 'dind', image: 'redis:7; id' }] }),
      { agent: 'docker' },
    );
    expect(r.files).toEqual([]);
    expect(r.diagnostics.filter((d) => d.severity === 'error').map((d) => d.message)).toEqual([
      expect.stringContaining('service alias "dind"'),
      expect.stringContaining('image "redis:7; id"'),
    ]);
    // On Kubernetes the same job is fine: the pod's YAML carries the image as data.
    expect(jenkinsTarget.emit(base({ docker: { strategy: 'dind' }, steps: [{ run: 'docker info' }], services: [{ alias: 'dind', image: 'redis:7; id' }] })).files).toHaveLength(1);
  });

  test('POLYCI_COMMIT_SHA without a checkout is a warning (GIT_COMMIT comes from the checkout)', () => {
    const r = jenkinsTarget.emit(base({ steps: [{ run: 'echo "$POLYCI_COMMIT_SHA"' }] }));
    expect(r.diagnostics).toContainEqual(expect.objectContaining({ code: 'PCI030', severity: 'warning', path: 'jobs.j.steps' }));
  });

  test('an environment name that is a Groovy keyword', () => {
    const r = jenkinsTarget.emit(checked({ name: 'p', env: { in: 'x' }, jobs: { j: { env: { class: 'y' }, secrets: ['def'], steps: [{ run: 'true', env: { if: 'fine in withEnv' } }] } } }));
    expect(r.files).toEqual([]);
    expect(r.diagnostics.filter((d) => d.severity === 'error').map((d) => d.path)).toEqual(['env.in', 'jobs.j.env.class', 'jobs.j.secrets']);
  });

  test('resources without an exact docker spelling are reported, not guessed (docker agent)', () => {
    const r = jenkinsTarget.emit(base({ image: 'node:22.11', runner: { resources: { cpu: '0.5e1', memory: '1.5Gi' } }, docker: { strategy: 'kaniko', resources: { cpu: 'lots' } }, steps: [{ run: 'true' }, { buildImage: { tags: ['x:1'] } }] }), { agent: 'docker' });
    expect(r.diagnostics.filter((d) => d.code === 'PCI031').map((d) => [d.path, d.message])).toEqual([
      ['jobs.j.runner.resources', expect.stringContaining('cpu "0.5e1"')],
      ['jobs.j.runner.resources', expect.stringContaining('memory "1.5Gi"')],
      ['jobs.j.docker.resources', expect.stringContaining('cpu "lots"')],
    ]);
  });
});

test('docker resource flags are exact conversions of Kubernetes quantities', () => {
  expect(dockerResourceFlags({ cpu: '500m', memory: '512Mi' }).flags).toEqual(['--cpus=0.5', '--memory=512m']);
  expect(dockerResourceFlags({ cpu: '2', memory: '2Gi' }).flags).toEqual(['--cpus=2', '--memory=2g']);
  expect(dockerResourceFlags({ cpu: '1.5', memory: '1G' }).flags).toEqual(['--cpus=1.5', '--memory=1000000000']);
  expect(dockerResourceFlags({ memory: '1048576' }).flags).toEqual(['--memory=1048576']);
  expect(dockerResourceFlags({ cpu: '0', memory: '$(id)' })).toEqual({ flags: [], unconverted: ['cpu "0"', 'memory "$(id)"'] });
});

test('stages run level by level: jobs that gain waits are named in one info diagnostic', () => {
  const p = checked({ name: 'p', jobs: { a: { steps: [{ run: 'a' }] }, b: { steps: [{ run: 'b' }] }, slow: { needs: ['b'], steps: [{ run: 's' }] }, c: { needs: ['a'], steps: [{ run: 'c' }] }, d: { needs: ['c', 'slow'], steps: [{ run: 'd' }] } } });
  const r = jenkinsTarget.emit(p);
  // level 1 waits for all of level 0: slow also waits for a, c for b; d needs everything before it
  expect(r.diagnostics.filter((x) => x.path === 'jobs')).toEqual([expect.objectContaining({ code: 'PCI030', severity: 'info', message: expect.stringMatching(/^2 jobs \("slow", "c"\)/) })]);
  expect(jenkinsTarget.emit(checked({ name: 'p', jobs: { a: { steps: [{ run: 'a' }] }, b: { needs: ['a'], steps: [{ run: 'b' }] } } })).diagnostics).toEqual([]);
});

test('a stage always has a step: a checkout-only job checks out explicitly, a job with nothing for Jenkins echoes', async () => {
  const p = checked({ name: 'p', jobs: { a: { image: 'node:22.11', steps: [{ checkout: {} }] }, b: { needs: ['a'], steps: [{ vendor: { target: 'gitlab', step: {} } }] } } });
  const texts = ['kubernetes', 'docker'].map((agent) => jenkinsTarget.emit(p, { agent }).files[0].contents);
  for (const r of await parseGroovy(texts.map((text, i) => ({ name: String(i), text })))) {
    const [a, b] = readJenkinsfile(r).stages;
    expect(a.options.skipDefaultCheckout).toEqual([]);
    expect(a.steps).toEqual([expect.objectContaining({ call: 'checkout', args: [{ var: 'scm' }] })]);
    expect(b.steps).toEqual([expect.objectContaining({ call: 'echo' })]);
  }
});

test('parallel groups are named by their jobs, the first five of a wide level', async () => {
  const jobs = Object.fromEntries(Array.from({ length: 8 }, (_, i) => [`j${i}`, { steps: [{ run: 'true' }] }]));
  const text = jenkinsTarget.emit(checked({ name: 'p', jobs })).files[0].contents;
  const [r] = await parseGroovy([{ name: 'wide', text }]);
  expect(readJenkinsfile(r).layout).toEqual([{ group: 'parallel: j0, j1, j2, j3, j4 and 3 more', stages: Object.keys(jobs) }]);
});

test('the level-wait diagnostic names exactly the jobs whose ancestors are not all earlier jobs (random DAGs)', () => {
  const dagArb = fc.integer({ min: 1, max: 9 }).chain((n) => fc.tuple(...Array.from({ length: n }, (_, i) => fc.subarray(Array.from({ length: i }, (_, k) => `j${k}`)))));
  fc.assert(
    fc.property(dagArb, (needsList) => {
      const jobs = Object.fromEntries(needsList.map((needs, i) => [`j${i}`, { needs, steps: [{ run: 'true' }] }]));
      const p = checked({ name: 'p', jobs });
      const levels = jobLevels(p);
      const ancestors = (id: string): Set<string> => new Set(p.jobs[id].needs.flatMap((n) => [n, ...ancestors(n)]));
      const expected: string[] = [];
      let earlier = 0;
      for (const level of levels) {
        for (const id of level) if (ancestors(id).size < earlier) expected.push(id);
        earlier += level.length;
      }
      const d = jenkinsTarget.emit(p).diagnostics.filter((x) => x.path === 'jobs');
      if (expected.length === 0) expect(d).toEqual([]);
      else expect(d[0].message).toMatch(new RegExp(`^${expected.length} jobs? \\(${expected.slice(0, 3).map((id) => `"${id}"`).join(', ')}`));
    }),
    { numRuns: 300 },
  );
});

test('a secret and an env variable of the same name: the credential wins, with a warning', () => {
  const r = jenkinsTarget.emit(checked({ name: 'p', jobs: { j: { env: { TOKEN: 'literal' }, secrets: ['TOKEN'], steps: [{ run: 'true' }] } } }));
  expect(r.files).toHaveLength(1);
  expect(r.files[0].contents).toContain("TOKEN = credentials('TOKEN')");
  expect(r.files[0].contents).not.toContain('literal');
  expect(r.diagnostics).toContainEqual(expect.objectContaining({ code: 'PCI030', severity: 'warning', path: 'jobs.j.env.TOKEN' }));
});
