/**
 * What a `buildImage` step means under each strategy, as shell commands. These are
 * the builders' own command lines (docker, kaniko, buildah, buildctl), the same on
 * every CI system; a vendor only decides where they run.
 */
import { diagnostic, formatPath, type Diagnostic } from '../diagnostics';
import { derived } from '../emit-cache';
import type { BuildImage, ConcreteStrategy } from '../ir';
import { shellQuote, shellWord } from '../shell';

/** Join a context-relative path onto $PWD for tools that want absolute paths. */
function absolute(path: string): string {
  if (path.startsWith('/')) return shellWord(path);
  const rest = path.replace(/^\.\/?/, '');
  return rest === '' ? '"${PWD}"' : `"\${PWD}"/${shellWord(rest)}`;
}

/** Registry host of an image reference (docker.io when it has none). */
export function registryOf(ref: string): string {
  const first = ref.split('/')[0];
  return ref.includes('/') && (first.includes('.') || first.includes(':') || first === 'localhost') ? first : 'docker.io';
}

/** A repository without its tag or digest, for cache repos. */
function repositoryOf(ref: string): string {
  const noDigest = ref.split('@')[0];
  const slash = noDigest.lastIndexOf('/');
  const colon = noDigest.lastIndexOf(':');
  return colon > slash ? noDigest.slice(0, colon) : noDigest;
}

function sorted<T>(record: Record<string, T>): [string, T][] {
  return Object.keys(record)
    .sort()
    .map((k) => [k, record[k]]);
}

/** `printf` a docker config.json with an auth entry, for tools without a login command. */
function dockerConfigLogin(build: BuildImage, dir: string): string[] {
  const login = build.login!;
  const server = login.server ?? 'https://index.docker.io/v1/';
  return [
    `mkdir -p ${dir}`,
    `printf '{"auths":{"%s":{"auth":"%s"}}}' ${shellQuote(server)} "$(printf '%s:%s' "\${${login.usernameSecret}}" "\${${login.passwordSecret}}" | base64 | tr -d '\\n')" > ${dir}/config.json`,
  ];
}

function dockerCli(build: BuildImage): string[] {
  const lines: string[] = [];
  if (build.login) {
    const server = build.login.server ? ` ${shellQuote(build.login.server)}` : '';
    lines.push(`printf '%s' "\${${build.login.passwordSecret}}" | docker login --username "\${${build.login.usernameSecret}}" --password-stdin${server}`);
  }
  // buildx is needed for cache export, several platforms and pushing in one go.
  const buildx = build.cacheTo.length > 0 || build.platforms.length > 1;
  const args: string[] = [buildx ? 'docker buildx build' : 'docker build'];
  if (build.dockerfile) args.push(`--file ${shellWord(build.dockerfile)}`);
  if (build.target) args.push(`--target ${shellWord(build.target)}`);
  for (const [k, v] of sorted(build.buildArgs)) args.push(`--build-arg ${shellWord(`${k}=${v}`)}`);
  for (const c of build.cacheFrom) args.push(`--cache-from ${shellWord(c)}`);
  for (const c of build.cacheTo) args.push(`--cache-to ${shellWord(c)}`);
  if (build.platforms.length > 0) args.push(`--platform ${shellWord(build.platforms.join(','))}`);
  for (const [k, v] of sorted(build.labels)) args.push(`--label ${shellWord(`${k}=${v}`)}`);
  for (const [id, secret] of sorted(build.secrets)) args.push(`--secret ${shellQuote(formatSecretSpec(id, secret))}`);
  for (const t of build.tags) args.push(`--tag ${shellWord(t)}`);
  if (buildx) args.push(build.push ? '--push' : '--load');
  args.push(shellWord(build.context));
  lines.push(args.join(' '));
  if (build.push && !buildx) for (const t of build.tags) lines.push(`docker push ${shellWord(t)}`);
  return lines;
}

function kaniko(build: BuildImage): string[] {
  const lines = build.login ? dockerConfigLogin(build, '/kaniko/.docker') : [];
  const args = ['/kaniko/executor', `--context ${absolute(build.context)}`];
  // Always written, and absolute: kaniko's resolveDockerfilePath (cmd/executor/cmd/root.go)
  // tries --dockerfile (default "Dockerfile") against its working directory before the
  // context, so without it a Dockerfile at the repository root would win over the context's.
  const dockerfile = build.dockerfile ?? `${build.context.replace(/\/$/, '')}/Dockerfile`;
  args.push(`--dockerfile ${absolute(dockerfile)}`);
  if (build.target) args.push(`--target ${shellWord(build.target)}`);
  for (const [k, v] of sorted(build.buildArgs)) args.push(`--build-arg ${shellWord(`${k}=${v}`)}`);
  for (const [k, v] of sorted(build.labels)) args.push(`--label ${shellWord(`${k}=${v}`)}`);
  if (build.platforms.length === 1) args.push(`--custom-platform ${shellWord(build.platforms[0])}`);
  const cacheRepo = build.cacheTo[0] ?? build.cacheFrom[0];
  if (cacheRepo) args.push(`--cache=true --cache-repo ${shellWord(repositoryOf(cacheRepo))}`);
  for (const t of build.tags) args.push(`--destination ${shellWord(t)}`);
  if (!build.push) args.push('--no-push');
  lines.push(args.join(' '));
  return lines;
}

function buildah(build: BuildImage): string[] {
  const lines: string[] = [];
  const storage = '--storage-driver vfs';
  if (build.login) {
    const server = shellQuote(build.login.server ?? 'docker.io');
    lines.push(`printf '%s' "\${${build.login.passwordSecret}}" | buildah login ${storage} --username "\${${build.login.usernameSecret}}" --password-stdin ${server}`);
  }
  const args = ['buildah bud', storage, '--isolation chroot', '--layers'];
  if (build.dockerfile) args.push(`--file ${shellWord(build.dockerfile)}`);
  if (build.target) args.push(`--target ${shellWord(build.target)}`);
  for (const [k, v] of sorted(build.buildArgs)) args.push(`--build-arg ${shellWord(`${k}=${v}`)}`);
  for (const c of build.cacheFrom) args.push(`--cache-from ${shellWord(repositoryOf(c))}`);
  for (const c of build.cacheTo) args.push(`--cache-to ${shellWord(repositoryOf(c))}`);
  if (build.platforms.length > 0) args.push(`--platform ${shellWord(build.platforms.join(','))}`);
  for (const [k, v] of sorted(build.labels)) args.push(`--label ${shellWord(`${k}=${v}`)}`);
  for (const [id, secret] of sorted(build.secrets)) args.push(`--secret ${shellQuote(formatSecretSpec(id, secret))}`);
  for (const t of build.tags) args.push(`--tag ${shellWord(t)}`);
  args.push(shellWord(build.context));
  lines.push(args.join(' '));
  if (build.push) for (const t of build.tags) lines.push(`buildah push ${storage} ${shellWord(t)}`);
  return lines;
}

/** A field of buildctl's CSV options (Go encoding/csv): quoted, with quotes doubled, when it needs to be. */
function csvField(field: string): string {
  return /[",\r\n]/.test(field) || field.startsWith(' ') ? `"${field.replace(/"/g, '""')}"` : field;
}

/** Image references buildctl cannot take in its CSV options: a comma splits them. */
export function buildctlCannotTake(ref: string): boolean {
  return ref.includes(',');
}

function buildkit(build: BuildImage): string[] {
  const lines = build.login ? dockerConfigLogin(build, '"${HOME}/.docker"') : [];
  const dockerfile = build.dockerfile ?? `${build.context.replace(/\/$/, '')}/Dockerfile`;
  const slash = dockerfile.lastIndexOf('/');
  const dockerfileDir = slash >= 0 ? dockerfile.slice(0, slash) || '/' : '.';
  const dockerfileName = slash >= 0 ? dockerfile.slice(slash + 1) : dockerfile;
  const args = [
    'buildctl-daemonless.sh build',
    '--frontend dockerfile.v0',
    `--local ${shellWord(`context=${build.context}`)}`,
    `--local ${shellWord(`dockerfile=${dockerfileDir}`)}`,
    `--opt ${shellWord(`filename=${dockerfileName}`)}`,
  ];
  if (build.target) args.push(`--opt ${shellWord(`target=${build.target}`)}`);
  for (const [k, v] of sorted(build.buildArgs)) args.push(`--opt ${shellWord(`build-arg:${k}=${v}`)}`);
  for (const [k, v] of sorted(build.labels)) args.push(`--opt ${shellWord(`label:${k}=${v}`)}`);
  if (build.platforms.length > 0) args.push(`--opt ${shellWord(`platform=${build.platforms.join(',')}`)}`);
  for (const c of build.cacheFrom) args.push(`--import-cache ${shellWord(`type=registry,${csvField(`ref=${c}`)}`)}`);
  for (const c of build.cacheTo) args.push(`--export-cache ${shellWord(`type=registry,${csvField(`ref=${c}`)},mode=max`)}`);
  for (const [id, secret] of sorted(build.secrets)) args.push(`--secret ${shellQuote(formatSecretSpec(id, secret))}`);
  // buildctl reads --output as CSV: several names go in one quoted field.
  args.push(`--output ${shellWord(`type=image,${csvField(`name=${build.tags.join(',')}`)},push=${build.push}`)}`);
  lines.push(args.join(' '));
  return lines;
}

/** `id=<id>,env=<VAR>`: a build secret as docker, buildah and buildctl take it. */
export function formatSecretSpec(id: string, env: string): string {
  return `id=${id},env=${env}`;
}

// Reading builder command lines back (the importers): the inverse of the writers above.

/** A `formatSecretSpec` back to [id, env], or undefined. */
export function parseSecretSpec(spec: string): [string, string] | undefined {
  const m = /^id=([A-Za-z0-9_.-]+),env=([A-Za-z_][A-Za-z0-9_]*)$/.exec(spec);
  return m ? [m[1], m[2]] : undefined;
}

/** `KEY=value` (build args, labels) split at the first `=`; undefined without a key. */
export function splitKeyValue(s: string): [string, string] | undefined {
  const eq = s.indexOf('=');
  return eq > 0 ? [s.slice(0, eq), s.slice(eq + 1)] : undefined;
}

/** A `buildImage` as an importer gathers it from builder flags, before the IR checks it. */
export interface BuildDraft {
  context?: string;
  dockerfile?: string;
  target?: string;
  buildArgs: Record<string, string>;
  tags: string[];
  push: boolean;
  login?: { server?: string; usernameSecret: string; passwordSecret: string };
  cacheFrom: string[];
  cacheTo: string[];
  platforms: string[];
  labels: Record<string, string>;
  secrets: Record<string, string>;
}

export function emptyBuildDraft(): BuildDraft {
  return { buildArgs: {}, tags: [], push: false, cacheFrom: [], cacheTo: [], platforms: [], labels: {}, secrets: {} };
}

/** The shell commands that carry out a build under a strategy. */
export function buildImageCommands(build: BuildImage, strategy: ConcreteStrategy): string[] {
  const builder = strategy.strategy === 'kaniko' || strategy.strategy === 'buildah' || strategy.strategy === 'buildkit' ? strategy.strategy : 'docker';
  // Every target asks for the same build's commands: within a compile, built once per builder.
  const lines: readonly string[] = derived(`build-commands:${builder}`, build, () =>
    builder === 'kaniko' ? kaniko(build) : builder === 'buildah' ? buildah(build) : builder === 'buildkit' ? buildkit(build) : dockerCli(build),
  );
  return lines.slice();
}

/** Environment a daemonless builder needs in its container. */
export function builderEnv(strategy: ConcreteStrategy): Record<string, string> {
  switch (strategy.strategy) {
    case 'buildkit':
      // rootless buildkitd inside an unprivileged container cannot create its own PID namespace.
      return { BUILDKITD_FLAGS: '--oci-worker-no-process-sandbox' };
    case 'buildah':
      return { STORAGE_DRIVER: 'vfs', BUILDAH_ISOLATION: 'chroot' };
    default:
      return {};
  }
}

/**
 * A bounded wait for the Docker daemon: sidecars and services start with the job,
 * not before it, so the first docker command must not race them. `probe` is the
 * docker call that asks: `info`, or `version` where a socket proxy lets only that through.
 */
export function daemonReadinessWait(seconds = 60, probe: 'info' | 'version' = 'info'): string {
  const tries = Math.ceil(seconds / 2);
  return `i=0; until docker ${probe} >/dev/null 2>&1; do i=$((i+1)); if [ "$i" -ge ${tries} ]; then echo 'polyci: Docker daemon not ready after ${seconds}s' >&2; exit 1; fi; sleep 2; done`;
}

/**
 * The readiness wait for a job's daemon, with a probe its transport answers: a socket
 * proxy answers `docker info` only when its allow-list has INFO, `docker version` only
 * with VERSION. Undefined when a proxy lets neither through: nothing can wait for it
 * (see `unwaitableDaemon`).
 */
export function readinessWaitFor(strategy: ConcreteStrategy, seconds = 60): string | undefined {
  if (strategy.strategy !== 'socket-proxy' || strategy.allow.includes('INFO')) return daemonReadinessWait(seconds);
  if (strategy.allow.includes('VERSION')) return daemonReadinessWait(seconds, 'version');
  return undefined;
}

const readinessWaitShape = /^i=0; until docker (info|version) >\/dev\/null 2>&1; do i=\$\(\(i\+1\)\); if \[ "\$i" -ge (\d+) \]; then echo 'polyci: Docker daemon not ready after (\d+)s' >&2; exit 1; fi; sleep 2; done$/;

/** Is this command a readiness wait that polyci writes (either probe, any bound)? For importers. */
export function isReadinessWait(command: string): boolean {
  const m = readinessWaitShape.exec(command);
  return m !== null && daemonReadinessWait(Number(m[3]), m[1] as 'info' | 'version') === command;
}

/** The warning for a socket proxy that answers neither `docker info` nor `docker version`. */
export function unwaitableDaemon(jobId: string): Diagnostic {
  return diagnostic('PCI030', 'warning', `the socket proxy of job "${jobId}" allows neither INFO nor VERSION, so the job cannot wait for it to be ready`, {
    path: formatPath(['jobs', jobId, 'docker', 'allow']),
    hint: 'allow INFO (or VERSION): the first docker command may otherwise race the proxy',
  });
}
