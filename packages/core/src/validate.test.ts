import { validatePipeline, parsePipeline } from './validate';
import { buildImageCommands } from './strategy/commands';
import type { BuildImage } from './ir';

const base = (job: Record<string, unknown>, extra: Record<string, unknown> = {}) => ({ name: 'p', jobs: { build: { steps: [{ run: 'make' }], ...job } }, ...extra });
const codes = (input: unknown) => validatePipeline(input).diagnostics.map((d) => `${d.severity}:${d.code}`);

describe('parsePipeline', () => {
  it('names the field path of a wrong shape', () => {
    const { diagnostics } = parsePipeline({ name: 'p', jobs: { build: { steps: [{ run: 3 }], docker: { strategy: 'dnd' } } } });
    const paths = diagnostics.map((d) => d.path);
    expect(paths).toContain('jobs.build.docker.strategy');
    expect(diagnostics.every((d) => d.code === 'PCI002' && d.severity === 'error')).toBe(true);
  });

  it('rejects unknown keys with a hint', () => {
    const { diagnostics } = parsePipeline(base({ imagee: 'x' }));
    expect(diagnostics[0]).toMatchObject({ path: 'jobs.build', message: 'unknown key "imagee"' });
  });

  it('applies secure defaults: TLS on for dind', () => {
    const { pipeline } = parsePipeline(base({ docker: { strategy: 'dind' } }));
    expect(pipeline?.jobs.build.docker).toEqual({ strategy: 'dind', tls: true, cacheVolume: false });
  });
});

describe('checkPipeline', () => {
  it('reports unknown needs and cycles', () => {
    expect(codes(base({ needs: ['nope'] }))).toContain('error:PCI003');
    expect(codes({ name: 'p', jobs: { a: { needs: ['b'], steps: [{ run: 'x' }] }, b: { needs: ['a'], steps: [{ run: 'x' }] } } })).toContain('error:PCI004');
  });

  it('refuses docker commands under a daemonless strategy', () => {
    const result = validatePipeline(base({ docker: { strategy: 'kaniko' }, steps: [{ run: 'docker build .' }] }));
    expect(result.pipeline).toBeUndefined();
    expect(result.diagnostics[0]).toMatchObject({ code: 'PCI010', severity: 'error', path: 'jobs.build.steps[0].run' });
  });

  it('warns on privileged, host socket and TLS off, with the safer alternative', () => {
    expect(codes(base({ docker: { strategy: 'dind', tls: false } }))).toEqual(expect.arrayContaining(['warning:PCI020', 'warning:PCI022']));
    const socket = validatePipeline(base({ docker: { strategy: 'socket' } })).diagnostics.find((d) => d.code === 'PCI021');
    expect(socket?.severity).toBe('warning');
    expect(socket?.hint).toMatch(/socket-proxy|kaniko/);
  });

  it('turns a denied risk into an error and no pipeline', () => {
    const result = validatePipeline(base({ docker: { strategy: 'socket' } }, { policy: { hostSocket: 'deny' } }));
    expect(result.pipeline).toBeUndefined();
    expect(result.diagnostics.map((d) => `${d.severity}:${d.code}`)).toContain('error:PCI021');
    expect(codes(base({ docker: { strategy: 'dind' }, policy: { privileged: 'allow' } }))).not.toContain('warning:PCI020');
  });

  it('warns on unpinned images', () => {
    expect(codes(base({ image: 'node' }))).toContain('warning:PCI023');
    expect(codes(base({ image: 'node:latest' }))).toContain('warning:PCI023');
    expect(codes(base({ image: 'node:22.11' }))).not.toContain('warning:PCI023');
    expect(codes(base({ image: 'localhost:5000/node@sha256:abc' }))).not.toContain('warning:PCI023');
  });

  it('resolves auto: daemonless for builds only, rootless DinD for docker run, error when policy leaves nothing', () => {
    const build = validatePipeline(base({ steps: [{ buildImage: { tags: ['r/a:1'] } }] }));
    expect(build.pipeline?.jobs.build.docker).toEqual({ strategy: 'kaniko' });
    const secret = validatePipeline(base({ steps: [{ buildImage: { tags: ['r/a:1'], secrets: { npm: 'NPM_TOKEN' } } }] }));
    expect(secret.pipeline?.jobs.build.docker).toEqual({ strategy: 'buildkit' });
    const runs = validatePipeline(base({ docker: { strategy: 'auto' }, steps: [{ run: 'docker run --rm alpine true' }] }));
    expect(runs.pipeline?.jobs.build.docker?.strategy).toBe('dind-rootless');
    const proxy = validatePipeline(base({ docker: { strategy: 'auto' }, steps: [{ run: 'docker build .' }] }, { policy: { privileged: 'deny' } }));
    expect(proxy.diagnostics.map((d) => d.code)).toContain('PCI013');
    expect(codes(base({ docker: { strategy: 'auto' }, steps: [{ run: 'docker ps' }] }, { policy: { privileged: 'deny', hostSocket: 'deny' } }))).toContain('error:PCI013');
  });

  it('refuses build secrets under kaniko', () => {
    expect(codes(base({ docker: { strategy: 'kaniko' }, steps: [{ buildImage: { tags: ['a:1'], secrets: { s: 'S' } } }] }))).toContain('error:PCI012');
  });
});

describe('buildImageCommands', () => {
  const build: BuildImage = {
    context: '.', tags: ['reg.io/app:${POLYCI_BUILD_NUMBER}', 'reg.io/app:latest'], push: true, buildArgs: { NODE_ENV: 'production' }, target: 'prod',
    cacheFrom: ['reg.io/app:cache'], cacheTo: [], platforms: [], labels: {}, secrets: {},
  };
  it('docker: build with every tag, then push each', () => {
    expect(buildImageCommands(build, { strategy: 'dind', tls: true, cacheVolume: false })).toEqual([
      'docker build --target prod --build-arg NODE_ENV=production --cache-from reg.io/app:cache --tag reg.io/app:"${POLYCI_BUILD_NUMBER}" --tag reg.io/app:latest .',
      'docker push reg.io/app:"${POLYCI_BUILD_NUMBER}"',
      'docker push reg.io/app:latest',
    ]);
  });
  it('kaniko: one destination per tag, cache repo, --no-push when push is off', () => {
    const [cmd] = buildImageCommands({ ...build, push: false }, { strategy: 'kaniko' });
    expect(cmd).toContain('--destination reg.io/app:"${POLYCI_BUILD_NUMBER}" --destination reg.io/app:latest');
    expect(cmd).toContain('--cache=true --cache-repo reg.io/app');
    expect(cmd).toContain('--no-push');
  });
  it('buildah: bud then push, vfs and chroot', () => {
    const lines = buildImageCommands(build, { strategy: 'buildah' });
    expect(lines[0]).toMatch(/^buildah bud --storage-driver vfs --isolation chroot/);
    expect(lines.slice(1)).toEqual(['buildah push --storage-driver vfs reg.io/app:"${POLYCI_BUILD_NUMBER}"', 'buildah push --storage-driver vfs reg.io/app:latest']);
  });
  it('buildkit: one output with every name and push=true', () => {
    const [cmd] = buildImageCommands(build, { strategy: 'buildkit' });
    expect(cmd).toContain(`--output 'type=image,"name=reg.io/app:'"\${POLYCI_BUILD_NUMBER}"',reg.io/app:latest",push=true'`);
  });
});
