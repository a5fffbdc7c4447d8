/**
 * The small readers under the importer: shell statements, build commands, compose
 * shorthands and resource quantities, table-driven.
 */
import { readBuild, splitStatements, cpusOf, memLimitOf, cpuQuantityOf, memoryQuantityOf } from '@polyci/compose';
import { argvOf, dependsOnOf, environmentOf, volumeMountOf } from '../../packages/compose/src/model/service';
import { resolveMerges } from '../../packages/compose/src/import/document';
import { imageRole } from '../../packages/compose/src/import/images';

const build = (script: string, workspace?: string) => {
  const st = splitStatements(script);
  if (!st) return undefined;
  const r = readBuild(st, 0, workspace);
  return r && r.count === st.length ? r.build : undefined;
};

describe('splitStatements', () => {
  it.each([
    ['a; b\nc', [['a'], ['b'], ['c']]],
    ["echo 'x; y' \"\\$HOME $(date; true)\"", [['echo', 'x; y', '$HOME $(date; true)']]],
    ['a &&\n  b || c', [['a', '&&', 'b', '||', 'c']]],
    ['# only a comment\nx # trailing', [[], ['x']]],
    ['a\\\nb', [['ab']]],
    ['ls 2>&1 | wc', [['ls', '2>&1', '|', 'wc']]],
  ])('%j', (script, words) => {
    expect(splitStatements(script)!.map((s) => s.words.map((w) => w.value))).toEqual(words);
  });

  it.each(["echo 'unterminated", 'echo "open', 'cat <<EOF\nx\nEOF', 'a $(b'])('cannot read %j', (script) => {
    expect(splitStatements(script)).toBeUndefined();
  });

  it('marks substitutions', () => {
    const [st] = splitStatements('echo $(id) `id` "$(id)" \'$(id)\' $X')!;
    expect(st.words.map((w) => !!w.substitutes)).toEqual([false, true, true, true, false, false]);
  });
});

describe('readBuild: hand-written build lines', () => {
  it.each([
    ['docker build -t app:1 .', { context: '.', tags: ['app:1'], push: false }],
    ['docker build -f docker/Dockerfile --target prod -t a:1 -t a:latest --build-arg V=2 --label k=v ctx', { context: 'ctx', dockerfile: 'docker/Dockerfile', target: 'prod', tags: ['a:1', 'a:latest'], buildArgs: { V: '2' }, labels: { k: 'v' } }],
    ['docker build -t r/a:$TAG .\ndocker push r/a:$TAG', { tags: ['r/a:$TAG'], push: true }],
    ['docker buildx build --platform linux/amd64,linux/arm64 --cache-to type=inline --push -t r/a:1 .', { platforms: ['linux/amd64', 'linux/arm64'], cacheTo: ['type=inline'], push: true }],
    ['buildah bud -t q/a:1 .\nbuildah push --storage-driver vfs q/a:1', { tags: ['q/a:1'], push: true }],
    ['/kaniko/executor --context /src --dockerfile /src/Dockerfile --destination r/a:1', { context: '.', tags: ['r/a:1'], push: true }],
    ['/kaniko/executor --context=dir:///src --destination=r/a:1 --no-push', { context: '.', push: false }],
    ['buildctl build --frontend dockerfile.v0 --local context=. --local dockerfile=. --output type=image,name=r/a:1,push=true', { tags: ['r/a:1'], push: true }],
  ])('%j', (script, expected) => {
    expect(build(script, '/src')).toMatchObject(expected);
  });

  it.each([
    'docker build -t a:$(git rev-parse HEAD) .', // a command substitution
    'docker build -t "a:${TAG:-dev}" .', // a default the IR cannot say
    "docker build -t 'a:$LITERAL' .", // a literal $
    'docker build --squash -t a .', // a flag polyci does not know
    'docker build -t a . && docker push a', // an operator
    'docker build .', // no tag
    'docker build -t a .\ndocker push b', // pushes something else
  ])('leaves %j as a run step', (script) => {
    expect(build(script)).toBeUndefined();
  });
});

describe('compose shorthands', () => {
  it('environment: list and map, pass-through, numbers', () => {
    expect(environmentOf(['A=1', 'B', 'C=x=y', 'D='])).toEqual([['A', '1'], ['B', null], ['C', 'x=y'], ['D', '']]);
    expect(environmentOf({ A: 1, B: null, C: true })).toEqual([['A', '1'], ['B', null], ['C', 'true']]);
    expect(environmentOf('A=1')).toBeUndefined();
  });
  it('depends_on: list and map', () => {
    expect(dependsOnOf(['a'])).toEqual({ a: 'service_started' });
    expect(dependsOnOf({ a: { condition: 'service_healthy' }, b: {} })).toEqual({ a: 'service_healthy', b: 'service_started' });
  });
  it('volumes: short and long syntax', () => {
    expect(volumeMountOf('.:/w:ro')).toEqual({ type: 'bind', source: '.', target: '/w', readOnly: true });
    expect(volumeMountOf('data:/var/lib/docker')).toEqual({ type: 'volume', source: 'data', target: '/var/lib/docker', readOnly: false });
    expect(volumeMountOf('/anon')).toEqual({ type: 'volume', target: '/anon', readOnly: false });
    expect(volumeMountOf({ type: 'bind', source: '/var/run/docker.sock', target: '/var/run/docker.sock', read_only: true })).toEqual({ type: 'bind', source: '/var/run/docker.sock', target: '/var/run/docker.sock', readOnly: true });
  });
  it('command: string form split as compose does', () => {
    expect(argvOf('sh -c "echo \\"hi\\" && ls"')).toEqual(['sh', '-c', 'echo "hi" && ls']);
    expect(argvOf(["a b"])).toEqual(['a b']);
    expect(argvOf('echo "open')).toBeUndefined();
  });
  it('merge keys: explicit keys win, then the merged maps in order', () => {
    const a = { x: 1, y: 1 };
    const b = { y: 2, z: 2 };
    expect(resolveMerges({ '<<': [a, b], x: 0 })).toEqual({ x: 0, y: 1, z: 2 });
  });
});

describe('images', () => {
  it.each([
    ['docker:dind', { role: 'dind', rootless: false, version: undefined }],
    ['docker:24.0.7-dind', { role: 'dind', rootless: false, version: '24.0.7' }],
    ['docker.io/library/docker:27-dind-rootless', { role: 'dind', rootless: true, version: '27' }],
    ['docker:27.3.1-cli', { role: 'docker-cli', version: undefined }],
    ['tecnativa/docker-socket-proxy:0.3.0', { role: 'proxy', version: undefined }],
    ['gcr.io/kaniko-project/executor:v1.9.0-debug', { role: 'builder', strategy: 'kaniko', version: 'v1.9.0-debug' }],
    ['quay.io/buildah/stable', { role: 'builder', strategy: 'buildah', version: undefined }],
    ['moby/buildkit:rootless', { role: 'builder', strategy: 'buildkit', version: 'rootless' }],
    ['node:22', { role: 'other' }],
  ])('%s', (image, role) => {
    expect(imageRole(image)).toEqual(role);
  });
});

describe('resources', () => {
  it.each([
    ['500m', 0.5],
    ['2', 2],
    ['1.5', 1.5],
    ['x', undefined],
  ])('cpu %s', (q, cpus) => expect(cpusOf(q)).toBe(cpus));
  it.each([
    ['2Gi', '2g'],
    ['512Mi', '512m'],
    ['1G', '1000000000b'],
    ['1.5Gi', '1536m'],
    ['lots', undefined],
  ])('memory %s', (q, limit) => expect(memLimitOf(q)).toBe(limit));
  it('and back', () => {
    expect(cpuQuantityOf(1)).toBe('1000m');
    expect(cpuQuantityOf('0.25')).toBe('250m');
    expect(memoryQuantityOf('2g')).toBe('2Gi');
    expect(memoryQuantityOf(1024)).toBe('1024');
  });
});
