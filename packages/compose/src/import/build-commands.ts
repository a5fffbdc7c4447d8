/**
 * Build commands back to `buildImage`: the docker CLI (build, buildx build, push,
 * login), kaniko's executor, buildah (bud, push, login) and buildctl, as
 * `buildImageCommands` in core writes them and as people write them by hand
 * (`workspace`: where the job's checkout is mounted, for kaniko's absolute paths). A
 * statement maps only when every flag is understood and no word runs a command
 * substitution; anything else stays a `run` step.
 */
import { buildImageCommands, parseSecretSpec, splitKeyValue, type BuildImage, type ConcreteStrategy } from '@polyci/core';
import type { ShellStatement, ShellWord } from '../shell-statements';

type Builder = 'docker' | 'kaniko' | 'buildah' | 'buildkit';

function emptyBuild(): BuildImage {
  return { context: '.', buildArgs: {}, tags: [], push: false, cacheFrom: [], cacheTo: [], platforms: [], labels: {}, secrets: {} };
}

/**
 * A word is clean when the IR can say it: no command substitution, and every `$`
 * a plain `$NAME` / `${NAME}` outside single quotes (the IR's strings keep those as
 * references; `${X:-d}`, `$1` or a quoted literal `$` have no IR spelling).
 */
function clean(w: ShellWord): boolean {
  if (w.operator || w.substitutes) return false;
  const raw = w.raw;
  for (let i = 0; i < raw.length; i++) {
    const c = raw[i];
    if (c === "'") {
      const end = raw.indexOf("'", i + 1);
      if (end < 0 || raw.slice(i + 1, end).includes('$')) return false;
      i = end;
    } else if (c === '\\') i++;
    else if (c === '$') {
      const m = /^\$(?:\{[A-Za-z_][A-Za-z0-9_]*\}|[A-Za-z_][A-Za-z0-9_]*)/.exec(raw.slice(i));
      if (!m) return false;
      i += m[0].length - 1;
    }
  }
  return true;
}

const secretRef = /^\$\{?([A-Za-z_][A-Za-z0-9_]*)\}?$/;

/** `printf '%s' "${PW}" | <tool> login [--storage-driver vfs] --username "${USER}" --password-stdin [server]` */
/** `KEY=VALUE` into a record; false when there is no `=` after a key. */
function putKeyValue(into: Record<string, string>, text: string): boolean {
  const kv = splitKeyValue(text);
  if (kv) into[kv[0]] = kv[1];
  return kv !== undefined;
}

function readLogin(words: string[], tool: 'docker' | 'buildah'): BuildImage['login'] | undefined {
  if (words[0] !== 'printf' || words[1] !== '%s' || words[3] !== '|' || words[4] !== tool || words[5] !== 'login') return undefined;
  const password = secretRef.exec(words[2])?.[1];
  let i = 6;
  if (tool === 'buildah' && words[i] === '--storage-driver') i += 2;
  let username: string | undefined;
  let stdin = false;
  let server: string | undefined;
  for (; i < words.length; i++) {
    const w = words[i];
    if ((w === '--username' || w === '-u') && i + 1 < words.length) username = secretRef.exec(words[++i])?.[1];
    else if (w === '--password-stdin') stdin = true;
    else if (!w.startsWith('-') && server === undefined) server = w;
    else return undefined;
  }
  if (!password || !username || !stdin) return undefined;
  return { ...(server !== undefined && !(tool === 'buildah' && server === 'docker.io') ? { server } : {}), usernameSecret: username, passwordSecret: password };
}

/** The docker config.json that kaniko and buildctl read, written with printf. */
function readConfigLogin(st: ShellStatement, dir: string): BuildImage['login'] | undefined {
  const w = st.words.map((x) => x.value);
  if (w[0] !== 'printf' || w[1] !== '{"auths":{"%s":{"auth":"%s"}}}' || w.length !== 6 || w[4] !== '>' || w[5] !== `${dir}/config.json`) return undefined;
  const creds = /^\$\(printf '%s:%s' "\$\{([A-Za-z_][A-Za-z0-9_]*)\}" "\$\{([A-Za-z_][A-Za-z0-9_]*)\}" \| base64 \| tr -d '\\n'\)$/.exec(w[3]);
  if (!creds) return undefined;
  const server = w[2] === 'https://index.docker.io/v1/' ? undefined : w[2];
  return { ...(server !== undefined ? { server } : {}), usernameSecret: creds[1], passwordSecret: creds[2] };
}

function readDockerBuild(words: string[], build: BuildImage): boolean {
  let i = words[1] === 'buildx' ? 3 : 2;
  if (words[1] === 'buildx' && words[2] !== 'build') return false;
  let context: string | undefined;
  for (; i < words.length; i++) {
    const w = words[i];
    const next = () => words[++i];
    const m = /^(--[a-z-]+)=(.*)$/s.exec(w);
    const flag = m ? m[1] : w;
    const value = (): string | undefined => (m ? m[2] : i + 1 < words.length ? next() : undefined);
    if (flag === '--file' || flag === '-f') build.dockerfile = value();
    else if (flag === '--target') build.target = value();
    else if (flag === '--tag' || flag === '-t') build.tags.push(value() ?? '');
    else if (flag === '--build-arg') {
      const kv = splitKeyValue(value() ?? '');
      if (!kv || !/^[A-Za-z_][A-Za-z0-9_]*$/.test(kv[0])) return false;
      build.buildArgs[kv[0]] = kv[1];
    } else if (flag === '--label') {
      if (!putKeyValue(build.labels, value() ?? '')) return false;
    } else if (flag === '--cache-from') build.cacheFrom.push(value() ?? '');
    else if (flag === '--cache-to') build.cacheTo.push(value() ?? '');
    else if (flag === '--platform') build.platforms.push(...(value() ?? '').split(','));
    else if (flag === '--secret') {
      const s = parseSecretSpec(value() ?? '');
      if (!s) return false;
      build.secrets[s[0]] = s[1];
    } else if (flag === '--push') build.push = true;
    else if (flag === '--load') continue;
    else if (w.startsWith('-') || context !== undefined) return false;
    else context = w;
  }
  if (context === undefined || build.tags.length === 0 || build.tags.some((t) => t === '')) return false;
  build.context = context;
  return true;
}

/**
 * Undo core's `absolute()` ("${PWD}", "${PWD}"/x), kaniko's `dir://` scheme, and
 * absolute paths inside the job's workspace.
 */
function relative(path: string, workspace: string | undefined): string {
  const p = path.replace(/^dir:\/\//, '');
  for (const root of ['${PWD}', ...(workspace ? [workspace.replace(/\/$/, '')] : [])]) {
    if (p === root || p === `${root}/`) return '.';
    if (p.startsWith(`${root}/`)) return p.slice(root.length + 1);
  }
  return p;
}

function readKaniko(words: string[], build: BuildImage, workspace: string | undefined): boolean {
  let push = true;
  for (let i = 1; i < words.length; i++) {
    const w = words[i];
    const m = /^(--[a-z-]+)=(.*)$/s.exec(w);
    const flag = m ? m[1] : w;
    const value = (): string => (m ? m[2] : words[++i] ?? '');
    if (flag === '--context' || flag === '-c') build.context = relative(value(), workspace);
    else if (flag === '--dockerfile' || flag === '-f') build.dockerfile = relative(value(), workspace);
    else if (flag === '--target') build.target = value();
    else if (flag === '--build-arg') {
      if (!putKeyValue(build.buildArgs, value())) return false;
    } else if (flag === '--label') {
      if (!putKeyValue(build.labels, value())) return false;
    } else if (flag === '--custom-platform') build.platforms.push(value());
    else if (w === '--cache=true' || w === '--cache') continue;
    else if (flag === '--cache-repo') build.cacheFrom.push(value());
    else if (flag === '--destination' || flag === '-d') build.tags.push(value());
    else if (w === '--no-push') push = false;
    else return false;
  }
  build.push = push;
  // kaniko's paths are absolute, so `Dockerfile` and the default `./Dockerfile` read back the same: the default wins
  const bare = (p: string) => p.replace(/^(\.\/)+/, '');
  if (build.dockerfile !== undefined && bare(build.dockerfile) === bare(`${build.context.replace(/\/$/, '')}/Dockerfile`)) delete build.dockerfile;
  return build.tags.length > 0;
}

const buildahStorage = ['--storage-driver', 'vfs'];

function readBuildahBud(words: string[], build: BuildImage): boolean {
  let context: string | undefined;
  for (let i = 2; i < words.length; i++) {
    const w = words[i];
    const m = /^(--[a-z-]+)=(.*)$/s.exec(w);
    const flag = m ? m[1] : w;
    const value = (): string => (m ? m[2] : words[++i] ?? '');
    if (flag === '--storage-driver' || flag === '--isolation') value();
    else if (w === '--layers') continue;
    else if (flag === '--file' || flag === '-f') build.dockerfile = value();
    else if (flag === '--target') build.target = value();
    else if (flag === '--tag' || flag === '-t') build.tags.push(value());
    else if (flag === '--build-arg') {
      if (!putKeyValue(build.buildArgs, value())) return false;
    } else if (flag === '--label') {
      if (!putKeyValue(build.labels, value())) return false;
    } else if (flag === '--cache-from') build.cacheFrom.push(value());
    else if (flag === '--cache-to') build.cacheTo.push(value());
    else if (flag === '--platform') build.platforms.push(...value().split(','));
    else if (flag === '--secret') {
      const s = parseSecretSpec(value());
      if (!s) return false;
      build.secrets[s[0]] = s[1];
    } else if (w.startsWith('-') || context !== undefined) return false;
    else context = w;
  }
  if (context === undefined || build.tags.length === 0) return false;
  build.context = context;
  return true;
}

/** buildctl's CSV `--output type=image,name=a,push=true` (names may be one quoted field). */
function readOutput(value: string, build: BuildImage): boolean {
  const m = /^type=image,(?:"name=([^"]*)"|name=([^,]*)),push=(true|false)$/.exec(value);
  if (!m) return false;
  const names = (m[1] ?? m[2]).split(',');
  // a tag holding a comma cannot be told apart from two tags in buildctl's CSV
  if (names.some((n) => n === '')) return false;
  build.tags.push(...names);
  build.push = m[3] === 'true';
  return true;
}

function readBuildctl(words: string[], build: BuildImage): boolean {
  let dockerfileDir: string | undefined;
  let filename: string | undefined;
  let output = false;
  for (let i = 2; i < words.length; i++) {
    const w = words[i];
    const value = (): string => words[++i] ?? '';
    if (w === '--frontend') {
      if (value() !== 'dockerfile.v0') return false;
    } else if (w === '--local') {
      const kv = splitKeyValue(value());
      if (kv?.[0] === 'context') build.context = kv[1];
      else if (kv?.[0] === 'dockerfile') dockerfileDir = kv[1];
      else return false;
    } else if (w === '--opt') {
      const kv = splitKeyValue(value());
      if (!kv) return false;
      const [k, v] = kv;
      if (k === 'filename') filename = v;
      else if (k === 'target') build.target = v;
      else if (k === 'platform') build.platforms.push(...v.split(','));
      else if (k.startsWith('build-arg:')) build.buildArgs[k.slice(10)] = v;
      else if (k.startsWith('label:')) build.labels[k.slice(6)] = v;
      else return false;
    } else if (w === '--import-cache') {
      const m = /^type=registry,ref=(.+)$/.exec(value());
      if (!m) return false;
      build.cacheFrom.push(m[1]);
    } else if (w === '--export-cache') {
      const m = /^type=registry,ref=(.+?)(?:,mode=max)?$/.exec(value());
      if (!m) return false;
      build.cacheTo.push(m[1]);
    } else if (w === '--secret') {
      const s = parseSecretSpec(value());
      if (!s) return false;
      build.secrets[s[0]] = s[1];
    } else if (w === '--output') {
      if (!readOutput(value(), build)) return false;
      output = true;
    } else return false;
  }
  if (!output) return false;
  const name = filename ?? 'Dockerfile';
  const dir = dockerfileDir ?? build.context;
  const defaultDir = build.context.replace(/\/$/, '') || '/';
  // core splits `<context>/Dockerfile` (the default) into --local dockerfile=<context> and filename=Dockerfile
  if (dir === defaultDir && name === 'Dockerfile') return true;
  build.dockerfile = dir === '.' ? name : `${dir === '/' ? '' : dir}/${name}`;
  return true;
}

export interface ReadBuild {
  build: BuildImage;
  /** Statements used. */
  count: number;
  builder: Builder;
}

/**
 * A build starting at statement `at`: an optional login, the build, and pushes of its
 * tags. Undefined when the statements there are not a clean build.
 */
export function readBuild(statements: readonly ShellStatement[], at: number, workspace?: string): ReadBuild | undefined {
  const build = emptyBuild();
  let i = at;
  const words = (k: number) => statements[k]?.words.map((w) => w.value) ?? [];
  const isClean = (k: number) => statements[k] !== undefined && statements[k].comment === undefined && statements[k].words.every((w) => w.operator || clean(w));
  // logins
  const first = words(i);
  if (first[0] === 'printf' && first.includes('login') && isClean(i)) {
    const login = readLogin(first, first[4] === 'buildah' ? 'buildah' : 'docker');
    if (!login) return undefined;
    build.login = login;
    i++;
  } else if (first[0] === 'mkdir' && first[1] === '-p' && first.length === 3 && statements[i + 1]) {
    const login = readConfigLogin(statements[i + 1], first[2]);
    if (!login) return undefined;
    build.login = login;
    i += 2;
  }
  const w = words(i);
  if (!statements[i] || !statements[i].words.every(clean) || statements[i].words.some((x) => x.operator)) return undefined;
  let builder: Builder;
  if (w[0] === 'docker' && (w[1] === 'build' || (w[1] === 'buildx' && w[2] === 'build'))) {
    builder = 'docker';
    if (!readDockerBuild(w, build)) return undefined;
  } else if (w[0] === '/kaniko/executor' || w[0] === 'executor') {
    builder = 'kaniko';
    if (!readKaniko(w, build, workspace)) return undefined;
  } else if (w[0] === 'buildah' && (w[1] === 'bud' || w[1] === 'build')) {
    builder = 'buildah';
    if (!readBuildahBud(w, build)) return undefined;
  } else if ((w[0] === 'buildctl-daemonless.sh' || w[0] === 'buildctl') && w[1] === 'build') {
    builder = 'buildkit';
    if (!readBuildctl(w, build)) return undefined;
  } else return undefined;
  if (build.login && (builder === 'kaniko' || builder === 'buildkit') !== (first[0] === 'mkdir')) return undefined;
  i++;
  // pushes of exactly the built tags, in order
  if ((builder === 'docker' && !build.push) || builder === 'buildah') {
    const pushed: string[] = [];
    while (statements[i] && statements[i].words.every(clean)) {
      const p = words(i);
      const isPush =
        builder === 'docker'
          ? p.length === 3 && p[0] === 'docker' && p[1] === 'push'
          : p.length === 5 && p[0] === 'buildah' && p[1] === 'push' && p[2] === buildahStorage[0] && p[3] === buildahStorage[1];
      if (!isPush || !build.tags.includes(p[p.length - 1])) break;
      pushed.push(p[p.length - 1]);
      i++;
    }
    if (pushed.length > 0) {
      if (pushed.length !== build.tags.length || pushed.some((t, k) => t !== build.tags[k])) return undefined;
      build.push = true;
    }
  }
  return { build, count: i - at, builder };
}

/** Does a build read back from text regenerate exactly that text under a strategy? */
export function regenerates(build: BuildImage, strategy: ConcreteStrategy, text: string): boolean {
  return buildImageCommands(build, strategy).join('\n') === text;
}

/** Which daemonless strategy a builder command implies. */
export function builderStrategy(builder: Builder): 'kaniko' | 'buildah' | 'buildkit' | undefined {
  return builder === 'docker' ? undefined : builder;
}
