/** What each daemon strategy means in the emitted .gitlab-ci.yml, read back with the yaml parser. */
import { parse } from 'yaml';
import { emitGitlab, readinessWait } from '@polyci/gitlab';
import { callsDocker, validatePipeline, type Pipeline, type PipelineInput } from '@polyci/core';
import { loadExample } from '../support/examples';

type Doc = Record<string, any>;

function emit(pipeline: Pipeline) {
  const r = emitGitlab(pipeline, { source: 'ci.config.ts' });
  return { doc: parse(r.files[0].contents) as Doc, text: r.files[0].contents, diagnostics: r.diagnostics };
}

function check(input: PipelineInput): Pipeline {
  const r = validatePipeline(input);
  if (!r.pipeline) throw new Error(JSON.stringify(r.diagnostics));
  return r.pipeline;
}

/** Index of the first script item that calls docker, and of the readiness wait. */
function order(script: string[]) {
  return { wait: script.indexOf(readinessWait), firstDocker: script.findIndex((s) => s !== readinessWait && callsDocker(s)) };
}

describe('dind with TLS (dind-basic)', () => {
  const { doc, diagnostics } = emit(loadExample('dind-basic'));
  const job = doc.build;
  it('runs docker:<v>-dind as the service "docker" with DOCKER_TLS_CERTDIR=/certs', () => {
    expect(job.services).toEqual([{ name: 'docker:27.3.1-dind', alias: 'docker', variables: { DOCKER_TLS_CERTDIR: '/certs' } }]);
  });
  it('points the client at tcp://docker:2376 with verification and the client certs', () => {
    expect(job.variables).toMatchObject({ DOCKER_HOST: 'tcp://docker:2376', DOCKER_TLS_VERIFY: '1', DOCKER_CERT_PATH: '/certs/client' });
    expect(job.image).toBe('docker:27.3.1-cli');
  });
  it('waits for the daemon, bounded, before the first docker command', () => {
    const { wait, firstDocker } = order(job.script);
    expect(wait).toBeGreaterThanOrEqual(0);
    expect(wait).toBeLessThan(firstDocker);
    expect(readinessWait).toMatch(/-ge 30 \]; then .* exit 1/);
  });
  it('says the runner must be privileged and share /certs/client, with the config.toml snippet', () => {
    const d = diagnostics.find((x) => x.path === 'jobs.build.docker' && x.code === 'PCI030');
    expect(d?.severity).toBe('warning');
    expect(d?.hint).toContain('privileged = true');
    expect(d?.hint).toContain('volumes = ["/certs/client"]');
  });
  it('turns triggers into workflow rules (push to main, merge requests)', () => {
    expect(doc.workflow.rules).toEqual([
      { if: '$CI_PIPELINE_SOURCE == "push" && $CI_COMMIT_BRANCH =~ /^(?:main)$/' },
      { if: '$CI_PIPELINE_SOURCE == "merge_request_event"' },
    ]);
  });
});

describe('dind without TLS', () => {
  const { doc } = emit(loadExample('dind-no-tls'));
  it('empties DOCKER_TLS_CERTDIR, passes --tls=false and uses port 2375 without cert variables', () => {
    expect(doc.build.services[0]).toEqual({ name: 'docker:27.3.1-dind', alias: 'docker', variables: { DOCKER_TLS_CERTDIR: '' }, command: ['--tls=false'] });
    expect(doc.build.variables.DOCKER_HOST).toBe('tcp://docker:2375');
    expect(doc.build.variables.DOCKER_TLS_VERIFY).toBeUndefined();
    expect(doc.build.variables.DOCKER_CERT_PATH).toBeUndefined();
  });
});

describe('dind-rootless with a cache volume', () => {
  const { doc, diagnostics } = emit(loadExample('dind-rootless'));
  it('runs the rootless image, TLS on', () => {
    expect(doc.test.services[0]).toMatchObject({ name: 'docker:27.3.1-dind-rootless', alias: 'docker', variables: { DOCKER_TLS_CERTDIR: '/certs' } });
    expect(doc.test.variables.DOCKER_HOST).toBe('tcp://docker:2376');
  });
  it('explains that cacheVolume is a runner volume', () => {
    const d = diagnostics.find((x) => x.path === 'jobs.test.docker.cacheVolume');
    expect(d?.hint).toContain('/home/rootless/.local/share/docker');
  });
});

describe('socket', () => {
  const { doc, diagnostics } = emit(loadExample('socket'));
  it('has the docker CLI image, no service, no DOCKER_HOST, and a wait', () => {
    expect(doc.build.image).toBe('docker:27.3.1-cli');
    expect(doc.build.services).toBeUndefined();
    expect(doc.build.variables?.DOCKER_HOST).toBeUndefined();
    expect(order(doc.build.script).wait).toBe(0);
  });
  it('warns that only the runner can mount the socket, with the volumes snippet', () => {
    const d = diagnostics.find((x) => x.path === 'jobs.build.docker' && x.code === 'PCI030');
    expect(d?.severity).toBe('warning');
    expect(d?.hint).toContain('[runners.docker]');
    expect(d?.hint).toContain('volumes = ["/var/run/docker.sock:/var/run/docker.sock"]');
  });
});

describe('socket-proxy', () => {
  const { doc, diagnostics } = emit(loadExample('socket-proxy'));
  const service = doc.build.services[0];
  it('runs the pinned proxy as a service with the allow-list, every other section off', () => {
    expect(service.name).toBe('tecnativa/docker-socket-proxy:0.3.0');
    for (const s of ['BUILD', 'IMAGES', 'INFO', 'VERSION', 'PING', 'POST']) expect(service.variables[s]).toBe('1');
    for (const s of ['EXEC', 'CONTAINERS', 'COMMIT', 'SECRETS', 'EVENTS']) expect(service.variables[s]).toBe('0');
  });
  it('points DOCKER_HOST at the proxy alias on 2375', () => {
    expect(doc.build.variables.DOCKER_HOST).toBe(`tcp://${service.alias}:2375`);
  });
  it('warns that the runner volume the proxy needs reaches the job too', () => {
    const d = diagnostics.find((x) => x.path === 'jobs.build.docker' && x.code === 'PCI030');
    expect(d?.message).toContain('job container too');
    expect(d?.hint).toContain('/var/run/docker.sock:/var/run/docker.sock:ro');
  });
});

describe.each([
  ['kaniko', 'gcr.io/kaniko-project/executor:v1.23.2-debug', {}],
  ['buildah', 'quay.io/buildah/stable:v1.37.3', { STORAGE_DRIVER: 'vfs', BUILDAH_ISOLATION: 'chroot' }],
  ['buildkit', 'moby/buildkit:v0.16.0-rootless', { BUILDKITD_FLAGS: '--oci-worker-no-process-sandbox' }],
])('%s', (name, image, env) => {
  const { doc } = emit(loadExample(name));
  const job = doc['image-job'];
  it('runs the pinned builder image with an empty entrypoint, no service, no wait', () => {
    expect(job.image).toEqual({ name: image, entrypoint: [''] });
    expect(job.services).toBeUndefined();
    expect(job.script).not.toContain(readinessWait);
    expect(job.variables).toMatchObject(env);
  });
  it('maps the built-in build variables to GitLab predefined ones, only those used', () => {
    const used = Object.keys(job.variables).filter((k) => k.startsWith('POLYCI_'));
    expect(used.length).toBeGreaterThan(0);
    for (const k of used) expect(job.variables[k]).toMatch(/^\$CI_(PIPELINE_IID|COMMIT_SHA|COMMIT_BRANCH)$/);
  });
});

describe('complete-pipeline', () => {
  const { doc, text, diagnostics } = emit(loadExample('complete-pipeline'));
  it('derives stages from the DAG and keeps needs', () => {
    expect(doc.stages).toEqual(['stage-1', 'stage-2', 'stage-3']);
    expect([doc.lint.stage, doc.build.stage, doc.release.stage]).toEqual(['stage-1', 'stage-2', 'stage-3']);
    expect(doc.release.needs).toEqual(['build']);
    expect(doc.lint.needs).toEqual([]);
  });
  it('has timeouts, retry and the branch condition', () => {
    expect(doc.lint.timeout).toBe('10m');
    expect(doc.build.retry).toBe(1);
    expect(doc.release.rules).toEqual([{ if: '$CI_COMMIT_BRANCH =~ /^(?:main)$/' }]);
  });
  it('names secrets in an info diagnostic, never a value, and declares none in the file', () => {
    const d = diagnostics.find((x) => x.message.includes('CI/CD variables'));
    expect(d?.severity).toBe('info');
    expect(d?.message).toContain('REGISTRY_PASSWORD');
    expect(doc.build.variables.REGISTRY_PASSWORD).toBeUndefined();
    expect(text).not.toMatch(/REGISTRY_PASSWORD:/);
  });
});

describe('other job fields', () => {
  const p = check({
    name: 'x',
    triggers: { push: { tags: ['v*'] }, schedule: [{ cron: '0 3 * * 1' }], manual: true },
    env: { PRICE: 'costs $5 and $HOME', EXPR: '$$x ${Y}' },
    jobs: {
      a: { stage: 'lint', runner: { tags: ['docker', 'linux'] }, steps: [{ run: 'echo a' }], artifacts: { paths: ['dist/'], expireIn: '1 week' }, cache: { key: 'npm', paths: ['.npm/'] } },
      b: { needs: ['a'], conditions: { tags: true, manual: true }, steps: [{ checkout: { depth: 1, submodules: true } }, { run: 'echo b', env: { X: "it's $HOME" } }] },
      d: { needs: ['b', 'a'], steps: [{ run: 'echo d' }] },
      image: { needs: ['a'], conditions: { manual: true }, services: [{ alias: 'db', image: 'postgres:16', env: { POSTGRES_PASSWORD: 'pa$$word' }, ports: [5432] }], steps: [{ run: 'echo c' }] },
    },
  });
  const { doc, diagnostics } = emit(p);
  it('maps tags, manual runs and schedules to workflow rules', () => {
    expect(doc.workflow.rules).toEqual([
      { if: '$CI_PIPELINE_SOURCE == "push" && $CI_COMMIT_TAG =~ /^(?:v[^\\/]*)$/' },
      { if: '$CI_PIPELINE_SOURCE == "schedule"' },
      { if: '$CI_PIPELINE_SOURCE == "web"' },
    ]);
    expect(diagnostics.find((d) => d.path === 'triggers.schedule')?.hint).toContain('0 3 * * 1');
  });
  it('escapes literal $ as $$ in variables and keeps references', () => {
    expect(doc.variables).toEqual({ PRICE: 'costs $$5 and $HOME', EXPR: '$$$x ${Y}' });
    expect(doc['image-job'].services[0].variables).toEqual({ POSTGRES_PASSWORD: 'pa$$$word' });
  });
  it('keeps a user stage and orders it before derived ones', () => {
    expect(doc.stages).toEqual(['lint', 'stage-2', 'stage-3']);
    expect(doc.a.stage).toBe('lint');
  });
  it('maps runner tags, artifacts and cache', () => {
    expect(doc.a.tags).toEqual(['docker', 'linux']);
    expect(doc.a.artifacts).toEqual({ paths: ['dist/'], expire_in: '1 week' });
    expect(doc.a.cache).toEqual({ key: 'npm', paths: ['.npm/'] });
  });
  it('maps conditions to rules with when: manual', () => {
    expect(doc.b.rules).toEqual([{ if: '$CI_COMMIT_TAG', when: 'manual' }]);
    expect(doc['image-job'].rules).toEqual([{ when: 'manual' }]);
  });
  it('maps checkout options to GIT_ variables, no checkout to GIT_STRATEGY none, step env to a subshell', () => {
    expect(doc.b.variables).toEqual({ GIT_DEPTH: '1', GIT_SUBMODULE_STRATEGY: 'recursive' });
    expect(doc.a.variables).toEqual({ GIT_STRATEGY: 'none' });
    expect(doc.b.script).toEqual(["(\nexport X='it'\\''s '\"$HOME\"\necho b\n)"]);
  });
  it('makes a need on a conditional job optional, and says what that means', () => {
    expect(doc.d.needs).toEqual([{ job: 'b', optional: true }, 'a']);
    expect(diagnostics.find((x) => x.path === 'jobs.d.needs')?.severity).toBe('warning');
  });
  it('renames a job whose id is a GitLab keyword', () => {
    expect(doc.image).toBeUndefined();
    expect(doc['image-job'].needs).toEqual(['a']);
  });
});
