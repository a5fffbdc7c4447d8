/**
 * `sh` scripts back to `buildImage` steps. A script becomes a build only where that is
 * clean: it is exactly what polyci writes for a build under the job's strategy (the
 * candidate is re-emitted with core's `buildImageCommands` and must match line for
 * line), or, written by hand, nothing but `docker build` of some tags followed by
 * `docker push` of each of them. Anything else stays a `run` step.
 */
import { BuildImageSchema, buildImageCommands, parseSecretSpec, shellWords, splitKeyValue, type BuildImage, type BuildImageInput, type ConcreteStrategy } from '@polyci/core';

/** Split a script into command lines: at newlines outside quotes (a quoted tag may hold one). */
function commandLines(script: string): string[] {
  const lines: string[] = [];
  let quote: string | undefined;
  let start = 0;
  for (let i = 0; i < script.length; i++) {
    const c = script[i];
    if (quote) {
      if (c === '\\' && quote === '"') i++;
      else if (c === quote) quote = undefined;
    } else if (c === '\\') i++;
    else if (c === "'" || c === '"') quote = c;
    else if (c === '\n') {
      lines.push(script.slice(start, i));
      start = i + 1;
    }
  }
  lines.push(script.slice(start));
  return lines;
}

/** Reads `--flag value` and `--flag=value` pairs from a word list. */
class Flags {
  private i = 0;
  constructor(private readonly words: string[]) {}
  done(): boolean {
    return this.i >= this.words.length;
  }
  peek(): string {
    return this.words[this.i];
  }
  /** The value of `names` at the cursor, consuming it; undefined when the cursor is elsewhere. */
  take(...names: string[]): string | undefined {
    const w = this.words[this.i];
    for (const n of names) {
      if (w === n && this.i + 1 < this.words.length) {
        this.i += 2;
        return this.words[this.i - 1];
      }
      if (n.startsWith('--') && w.startsWith(`${n}=`)) {
        this.i += 1;
        return w.slice(n.length + 1);
      }
    }
    return undefined;
  }
  is(word: string): boolean {
    if (this.words[this.i] !== word) return false;
    this.i++;
    return true;
  }
  next(): string {
    return this.words[this.i++];
  }
}

const ref = '"?\\$\\{([A-Za-z_][A-Za-z0-9_]*)\\}"?';
const loginPattern = (tool: string) => new RegExp(`^printf '%s' ${ref} \\| ${tool} login(?: --storage-driver vfs)? (?:--username|-u) ${ref} --password-stdin(?: (.+))?$`);
const loginPatterns = { docker: loginPattern('docker'), buildah: loginPattern('buildah') };
const pipedLogin = (tool: 'docker' | 'buildah') => loginPatterns[tool];
const configLogin = new RegExp(`^printf '\\{"auths":\\{"%s":\\{"auth":"%s"\\}\\}\\}' (.+) "\\$\\(printf '%s:%s' ${ref} ${ref} \\| base64 \\| tr -d '\\\\n'\\)" > (.+)/config\\.json$`);

type Login = NonNullable<BuildImageInput['login']>;

function loginOf(user: string, password: string, server: string | undefined, defaultServer: string): Login {
  const login: Login = { usernameSecret: user, passwordSecret: password };
  if (server !== undefined && server !== defaultServer) login.server = server;
  return login;
}

function unquoted(word: string | undefined): string | undefined {
  if (word === undefined) return undefined;
  const words = shellWords(word);
  return words && words.length === 1 ? words[0] : undefined;
}

/** Undo kaniko's absolute paths: "${PWD}"/x is x. */
function relativeToPwd(path: string): string {
  const m = /^(?:\$\{PWD\}|\$PWD)(\/.*)?$/.exec(path);
  if (!m) return path;
  return m[1] ? m[1].slice(1) || '.' : '.';
}

/** Lines of a script as a person wrote them: continuations joined, blank lines and indentation dropped. */
function logicalLines(script: string): string[] {
  return commandLines(script.replace(/\\\r?\n/g, ' '))
    .map((l) => l.trim().replace(/\s+/g, ' '))
    .filter((l) => l !== '');
}

interface Parsed {
  build: BuildImageInput;
  /** Lines the candidate accounts for. */
  lines: number;
}

/**
 * A flag docker build and buildah bud share, at the cursor: 'read' when it is one and
 * its value parsed, 'bad' when its value does not parse, 'other' when it is none of them.
 */
function sharedBuildFlag(f: Flags, build: BuildImageInput): 'read' | 'bad' | 'other' {
  let v: string | undefined;
  if ((v = f.take('--file', '-f')) !== undefined) build.dockerfile = v;
  else if ((v = f.take('--target')) !== undefined) build.target = v;
  else if ((v = f.take('--build-arg')) !== undefined) {
    const kv = splitKeyValue(v);
    if (!kv) return 'bad';
    build.buildArgs![kv[0]] = kv[1];
  } else if ((v = f.take('--cache-from')) !== undefined) build.cacheFrom!.push(v);
  else if ((v = f.take('--cache-to')) !== undefined) build.cacheTo!.push(v);
  else if ((v = f.take('--platform')) !== undefined) build.platforms = v.split(',');
  else if ((v = f.take('--label')) !== undefined) {
    const kv = splitKeyValue(v);
    if (!kv) return 'bad';
    build.labels![kv[0]] = kv[1];
  } else if ((v = f.take('--secret')) !== undefined) {
    const s = parseSecretSpec(v);
    if (!s) return 'bad';
    build.secrets![s[0]] = s[1];
  } else if ((v = f.take('--tag', '-t')) !== undefined) build.tags.push(v);
  else return 'other';
  return 'read';
}

function dockerCandidate(lines: string[], lenient: boolean): Parsed | undefined {
  let i = 0;
  const build: BuildImageInput = { tags: [], buildArgs: {}, cacheFrom: [], cacheTo: [], platforms: [], labels: {}, secrets: {} };
  const login = pipedLogin('docker').exec(lines[0] ?? '');
  if (login) {
    const server = login[3] === undefined ? undefined : unquoted(login[3]);
    if (login[3] !== undefined && server === undefined) return undefined;
    build.login = loginOf(login[2], login[1], server, '');
    i++;
  }
  const words = shellWords(lines[i] ?? '');
  if (!words || words[0] !== 'docker') return undefined;
  const f = new Flags(words.slice(1));
  if (!f.is('build') && !(f.is('buildx') && f.is('build'))) return undefined;
  let push = false;
  let context: string | undefined;
  while (!f.done()) {
    const shared = sharedBuildFlag(f, build);
    if (shared === 'bad') return undefined;
    if (shared === 'read') continue;
    if (f.is('--push')) push = true;
    else if (f.is('--load')) continue;
    else if (!f.peek().startsWith('-') && context === undefined) context = f.next();
    else return undefined;
  }
  if (context === undefined || build.tags.length === 0) return undefined;
  build.context = context;
  i++;
  const pushed: string[] = [];
  while (i < lines.length) {
    const w = shellWords(lines[i]);
    if (!w || w.length !== 3 || w[0] !== 'docker' || w[1] !== 'push') break;
    pushed.push(w[2]);
    i++;
  }
  if (pushed.length > 0) {
    if (pushed.join('\n') !== build.tags.join('\n')) return undefined;
    push = true;
  }
  if (lenient && !push) return undefined;
  build.push = push;
  return { build, lines: i };
}

/** The login of the line that writes a registry config.json (kaniko, buildkit), or undefined. */
function configFileLogin(line: string | undefined): Login | undefined {
  const login = configLogin.exec(line ?? '');
  const server = unquoted(login?.[1]);
  return login && server !== undefined ? loginOf(login[2], login[3], server, 'https://index.docker.io/v1/') : undefined;
}

function kanikoCandidate(lines: string[]): Parsed | undefined {
  let i = 0;
  const build: BuildImageInput = { tags: [], buildArgs: {}, cacheFrom: [], labels: {} };
  if (lines[0] === 'mkdir -p /kaniko/.docker') {
    build.login = configFileLogin(lines[1]);
    if (!build.login) return undefined;
    i = 2;
  }
  const words = shellWords(lines[i] ?? '');
  if (!words || words[0] !== '/kaniko/executor') return undefined;
  const f = new Flags(words.slice(1));
  let push = true;
  while (!f.done()) {
    let v: string | undefined;
    if ((v = f.take('--context')) !== undefined) build.context = relativeToPwd(v);
    else if ((v = f.take('--dockerfile')) !== undefined) build.dockerfile = relativeToPwd(v);
    else if ((v = f.take('--target')) !== undefined) build.target = v;
    else if ((v = f.take('--build-arg')) !== undefined) {
      const kv = splitKeyValue(v);
      if (!kv) return undefined;
      build.buildArgs![kv[0]] = kv[1];
    } else if ((v = f.take('--label')) !== undefined) {
      const kv = splitKeyValue(v);
      if (!kv) return undefined;
      build.labels![kv[0]] = kv[1];
    } else if ((v = f.take('--custom-platform')) !== undefined) build.platforms = [v];
    else if (f.is('--cache=true')) continue;
    else if ((v = f.take('--cache-repo')) !== undefined) build.cacheFrom!.push(v);
    else if ((v = f.take('--destination')) !== undefined) build.tags.push(v);
    else if (f.is('--no-push')) push = false;
    else return undefined;
  }
  build.push = push;
  return build.tags.length === 0 ? undefined : { build, lines: i + 1 };
}

function buildahCandidate(lines: string[]): Parsed | undefined {
  let i = 0;
  const build: BuildImageInput = { tags: [], buildArgs: {}, cacheFrom: [], cacheTo: [], platforms: [], labels: {}, secrets: {} };
  const login = pipedLogin('buildah').exec(lines[0] ?? '');
  if (login) {
    const server = unquoted(login[3]);
    if (server === undefined) return undefined;
    build.login = loginOf(login[2], login[1], server, 'docker.io');
    i++;
  }
  const words = shellWords(lines[i] ?? '');
  if (!words || words[0] !== 'buildah' || words[1] !== 'bud') return undefined;
  const f = new Flags(words.slice(2));
  let context: string | undefined;
  while (!f.done()) {
    if (f.take('--storage-driver') !== undefined || f.take('--isolation') !== undefined || f.is('--layers')) continue;
    const shared = sharedBuildFlag(f, build);
    if (shared === 'bad') return undefined;
    if (shared === 'read') continue;
    if (!f.peek().startsWith('-') && context === undefined) context = f.next();
    else return undefined;
  }
  if (context === undefined) return undefined;
  build.context = context;
  i++;
  const pushed: string[] = [];
  while (i < lines.length) {
    const w = shellWords(lines[i]);
    if (!w || w[0] !== 'buildah' || w[1] !== 'push') break;
    pushed.push(w[w.length - 1]);
    i++;
  }
  build.push = pushed.length > 0;
  return build.tags.length === 0 ? undefined : { build, lines: i };
}

/** buildctl reads --output as CSV: a field in double quotes may hold commas (and no quotes). */
function csvFields(s: string): string[] | undefined {
  const out: string[] = [];
  for (let i = 0; i <= s.length; ) {
    if (s[i] === '"') {
      const end = s.indexOf('"', i + 1);
      if (end < 0 || (end + 1 < s.length && s[end + 1] !== ',')) return undefined;
      out.push(s.slice(i + 1, end));
      i = end + 2;
    } else {
      const end = s.indexOf(',', i) < 0 ? s.length : s.indexOf(',', i);
      const field = s.slice(i, end);
      if (field.includes('"')) return undefined;
      out.push(field);
      i = end + 1;
    }
  }
  return out;
}

function buildkitCandidate(lines: string[]): Parsed | undefined {
  let i = 0;
  const build: BuildImageInput = { tags: [], buildArgs: {}, cacheFrom: [], cacheTo: [], platforms: [], labels: {}, secrets: {} };
  if (/^mkdir -p /.test(lines[0] ?? '')) {
    build.login = configFileLogin(lines[1]);
    if (!build.login) return undefined;
    i = 2;
  }
  const words = shellWords(lines[i] ?? '');
  if (!words || (words[0] !== 'buildctl-daemonless.sh' && words[0] !== 'buildctl') || words[1] !== 'build') return undefined;
  const f = new Flags(words.slice(2));
  let dockerfileDir: string | undefined;
  let filename = 'Dockerfile';
  let output: string | undefined;
  while (!f.done()) {
    let v: string | undefined;
    if ((v = f.take('--frontend')) !== undefined) {
      if (v !== 'dockerfile.v0') return undefined;
    } else if ((v = f.take('--local')) !== undefined) {
      const kv = splitKeyValue(v);
      if (kv?.[0] === 'context') build.context = kv[1];
      else if (kv?.[0] === 'dockerfile') dockerfileDir = kv[1];
      else return undefined;
    } else if ((v = f.take('--opt')) !== undefined) {
      const kv = splitKeyValue(v);
      if (!kv) return undefined;
      const [k, value] = kv;
      if (k === 'filename') filename = value;
      else if (k === 'target') build.target = value;
      else if (k.startsWith('build-arg:')) build.buildArgs![k.slice('build-arg:'.length)] = value;
      else if (k.startsWith('label:')) build.labels![k.slice('label:'.length)] = value;
      else if (k === 'platform') build.platforms = value.split(',');
      else return undefined;
    } else if ((v = f.take('--import-cache')) !== undefined) {
      const m = /^type=registry,ref=(.+)$/.exec(v);
      if (!m) return undefined;
      build.cacheFrom!.push(m[1]);
    } else if ((v = f.take('--export-cache')) !== undefined) {
      const m = /^type=registry,ref=(.+),mode=max$/.exec(v);
      if (!m) return undefined;
      build.cacheTo!.push(m[1]);
    } else if ((v = f.take('--secret')) !== undefined) {
      const s = parseSecretSpec(v);
      if (!s) return undefined;
      build.secrets![s[0]] = s[1];
    } else if ((v = f.take('--output')) !== undefined) output = v;
    else return undefined;
  }
  if (!output) return undefined;
  const fields = csvFields(output);
  if (!fields) return undefined;
  for (const field of fields) {
    const kv = splitKeyValue(field);
    if (!kv) return undefined;
    if (kv[0] === 'name') build.tags.push(...kv[1].split(','));
    else if (kv[0] === 'push') build.push = kv[1] === 'true';
    else if (kv[0] !== 'type' || kv[1] !== 'image') return undefined;
  }
  const context = build.context ?? '.';
  const defaultDir = `${context.replace(/\/$/, '')}/Dockerfile`.replace(/\/[^/]*$/, '') || '/';
  if (dockerfileDir !== undefined && !(dockerfileDir === defaultDir && filename === 'Dockerfile')) {
    build.dockerfile = dockerfileDir === '.' ? filename : `${dockerfileDir}/${filename}`;
  }
  return build.tags.length === 0 ? undefined : { build, lines: i + 1 };
}

function candidate(lines: string[], strategy: ConcreteStrategy): Parsed | undefined {
  switch (strategy.strategy) {
    case 'kaniko':
      return kanikoCandidate(lines);
    case 'buildah':
      return buildahCandidate(lines);
    case 'buildkit':
      return buildkitCandidate(lines);
    default:
      return dockerCandidate(lines, false);
  }
}

/**
 * The build a script carries out under a strategy, when the script is that build and
 * nothing else.
 */
export function buildFromScript(script: string, strategy: ConcreteStrategy | undefined): BuildImage | undefined {
  if (!strategy) return undefined;
  const lines = commandLines(script);
  try {
    const parsed = candidate(lines, strategy);
    if (parsed && parsed.lines === lines.length) {
      const build = BuildImageSchema.safeParse(parsed.build);
      if (build.success && buildImageCommands(build.data, strategy).join('\n') === script) return build.data;
    }
    // Written by hand. A daemonless builder's command line can only be a build; on a daemon
    // strategy, `docker build -t X .` alone may be a local build for later steps, so only
    // build-then-push of the same tags is one.
    const written = logicalLines(script);
    const daemonless = strategy.strategy === 'kaniko' || strategy.strategy === 'buildah' || strategy.strategy === 'buildkit';
    const manual = daemonless ? candidate(written, strategy) : dockerCandidate(written, true);
    if (manual && manual.lines === written.length) {
      const build = BuildImageSchema.safeParse(manual.build);
      if (build.success) return build.data;
    }
  } catch {
    return undefined;
  }
  return undefined;
}
