/**
 * Builder command lines back into `buildImage` steps: docker (build, buildx build,
 * push, login), the kaniko executor, buildah (bud, push, login) and buildctl. A
 * script maps only when every line is one of these, with no shell beyond quoting
 * and ${VAR} references; otherwise it stays a `run` step.
 */
import { BuildImageSchema, emptyBuildDraft, parseSecretSpec, shellTokens, splitKeyValue, type BuildDraft, type BuildImage, type ConcreteStrategy, type ShellToken } from '@polyci/core';

/**
 * The words of one line, with `|` and `>` as operator tokens (the login pipe and the
 * config.json redirection); `$NAME` reads back as `${NAME}` unless `keepSpelling`.
 * Undefined for any other shell (core's shellTokens).
 */
export function commandTokens(line: string, keepSpelling = false): ShellToken[] | undefined {
  return shellTokens(line, { operators: '|>', references: keepSpelling ? 'as-written' : 'braced' });
}

const words = (tokens: ShellToken[]) => tokens.map((t) => (t.op ? `\u0000${t.text}` : t.text));

/** `printf '%s' "${P}" | <tool> login ... --username "${U}" --password-stdin [server]` */
function loginLine(w: string[], tool: 'docker' | 'buildah'): BuildDraft['login'] | undefined {
  if (w[0] !== 'printf' || w[1] !== '%s' || w[3] !== '\u0000|' || w[4] !== tool || w[5] !== 'login') return undefined;
  const pass = /^\$\{([A-Za-z_][A-Za-z0-9_]*)\}$/.exec(w[2]);
  if (!pass) return undefined;
  let user: string | undefined;
  let server: string | undefined;
  let stdin = false;
  for (let i = 6; i < w.length; i++) {
    const a = w[i];
    if (tool === 'buildah' && a === '--storage-driver' && w[i + 1] === 'vfs') i++;
    else if (a === '--username' || a === '-u') user = w[++i];
    else if (a === '--password-stdin') stdin = true;
    else if (!a.startsWith('-') && server === undefined) server = a;
    else return undefined;
  }
  const u = user ? /^\$\{([A-Za-z_][A-Za-z0-9_]*)\}$/.exec(user) : null;
  if (!u || !stdin) return undefined;
  if (tool === 'buildah' && server === 'docker.io') server = undefined;
  return { ...(server !== undefined ? { server } : {}), usernameSecret: u[1], passwordSecret: pass[1] };
}

/** Split a script into commands at newlines outside quotes. */
export function logicalLines(script: string): string[] {
  const lines: string[] = [];
  let cur = '';
  let quote: string | undefined;
  for (let i = 0; i < script.length; i++) {
    const c = script[i];
    if (quote !== "'" && c === '\\' && i + 1 < script.length) {
      cur += c + script[++i];
      continue;
    }
    if (quote === undefined && (c === "'" || c === '"')) quote = c;
    else if (quote === c) quote = undefined;
    if (c === '\n' && quote === undefined) {
      lines.push(cur);
      cur = '';
    } else cur += c;
  }
  lines.push(cur);
  return lines;
}

/** The config.json login polyci writes for kaniko and buildctl. */
function configLogin(line: string): BuildDraft['login'] | undefined {
  const m = /^printf '\{"auths":\{"%s":\{"auth":"%s"\}\}\}' ([\s\S]+?) "\$\(printf '%s:%s' "\$\{([A-Za-z_][A-Za-z0-9_]*)\}" "\$\{([A-Za-z_][A-Za-z0-9_]*)\}" \| base64 \| tr -d '\\n'\)" > (?:\/kaniko\/\.docker|"\$\{HOME\}\/\.docker")\/config\.json$/.exec(line);
  if (!m) return undefined;
  const server = commandTokens(m[1]);
  if (!server || server.length !== 1) return undefined;
  return { ...(server[0].text !== 'https://index.docker.io/v1/' ? { server: server[0].text } : {}), usernameSecret: m[2], passwordSecret: m[3] };
}

function dockerBuild(w: string[], d: BuildDraft): boolean {
  let i = 0;
  if (w[0] === 'docker' && w[1] === 'build') i = 2;
  else if (w[0] === 'docker' && w[1] === 'buildx' && w[2] === 'build') i = 3;
  else return false;
  for (; i < w.length; i++) {
    const a = w[i];
    const next = () => w[++i];
    if (a === '--file' || a === '-f') d.dockerfile = next();
    else if (a === '--target') d.target = next();
    else if (a === '--build-arg') {
      const kv = splitKeyValue(next() ?? '');
      if (!kv) return false;
      d.buildArgs[kv[0]] = kv[1];
    } else if (a === '--cache-from') d.cacheFrom.push(next());
    else if (a === '--cache-to') d.cacheTo.push(next());
    else if (a === '--platform') d.platforms.push(...(next() ?? '').split(','));
    else if (a === '--label') {
      const kv = splitKeyValue(next() ?? '');
      if (!kv) return false;
      d.labels[kv[0]] = kv[1];
    } else if (a === '--secret') {
      const secret = parseSecretSpec(next() ?? '');
      if (!secret) return false;
      d.secrets[secret[0]] = secret[1];
    } else if (a === '--tag' || a === '-t') d.tags.push(next());
    else if (a === '--push') d.push = true;
    else if (a === '--load') continue;
    else if (!a.startsWith('-') && d.context === undefined) d.context = a;
    else return false;
  }
  return w.every((x) => x !== undefined) && d.context !== undefined;
}

function relative(abs: string): string | undefined {
  // A GitLab job runs in its checkout: ${CI_PROJECT_DIR} (GitLab's kaniko idiom) is the same place as ${PWD}.
  for (const dir of ['${PWD}', '${CI_PROJECT_DIR}']) {
    if (abs === dir || abs === `${dir}/`) return '.';
    if (abs.startsWith(`${dir}/`)) return abs.slice(dir.length + 1);
  }
  return abs.startsWith('/') ? abs : undefined;
}

function kaniko(w: string[], d: BuildDraft): boolean {
  if (w[0] !== '/kaniko/executor') return false;
  let dockerfile: string | undefined;
  d.push = true;
  for (let i = 1; i < w.length; i++) {
    const a = w[i];
    const next = () => w[++i] ?? '';
    if (a === '--context') d.context = relative(next());
    else if (a === '--dockerfile') dockerfile = relative(next());
    else if (a === '--target') d.target = next();
    else if (a === '--build-arg' || a === '--label') {
      const kv = splitKeyValue(next());
      if (!kv) return false;
      (a === '--label' ? d.labels : d.buildArgs)[kv[0]] = kv[1];
    } else if (a === '--custom-platform') d.platforms.push(next());
    else if (a === '--cache=true') continue;
    else if (a === '--cache-repo') d.cacheFrom.push(next());
    else if (a === '--destination') d.tags.push(next());
    else if (a === '--no-push') d.push = false;
    else return false;
  }
  if (d.context === undefined || dockerfile === undefined) return false;
  d.dockerfile = dockerfile;
  return true;
}

function buildahBud(w: string[], d: BuildDraft): boolean {
  if (w[0] !== 'buildah' || w[1] !== 'bud') return false;
  for (let i = 2; i < w.length; i++) {
    const a = w[i];
    const next = () => w[++i] ?? '';
    if (a === '--storage-driver' || a === '--isolation') next();
    else if (a === '--layers') continue;
    else if (a === '--file' || a === '-f') d.dockerfile = next();
    else if (a === '--target') d.target = next();
    else if (a === '--build-arg' || a === '--label') {
      const kv = splitKeyValue(next());
      if (!kv) return false;
      (a === '--label' ? d.labels : d.buildArgs)[kv[0]] = kv[1];
    } else if (a === '--cache-from') d.cacheFrom.push(next());
    else if (a === '--cache-to') d.cacheTo.push(next());
    else if (a === '--platform') d.platforms.push(...next().split(','));
    else if (a === '--secret') {
      const secret = parseSecretSpec(next());
      if (!secret) return false;
      d.secrets[secret[0]] = secret[1];
    } else if (a === '--tag' || a === '-t') d.tags.push(next());
    else if (!a.startsWith('-') && d.context === undefined) d.context = a;
    else return false;
  }
  return d.context !== undefined;
}

/** buildctl's --output is CSV: `"name=a,b"` holds several names in one field. */
function csvFields(s: string): string[] | undefined {
  const out: string[] = [];
  let cur = '';
  let quoted = false;
  for (const c of s) {
    if (c === '"') quoted = !quoted;
    else if (c === ',' && !quoted) {
      out.push(cur);
      cur = '';
    } else cur += c;
  }
  if (quoted) return undefined;
  out.push(cur);
  return out;
}

function buildctl(w: string[], d: BuildDraft): boolean {
  if (w[0] !== 'buildctl-daemonless.sh' || w[1] !== 'build') return false;
  let dockerDir: string | undefined;
  let filename: string | undefined;
  let output = false;
  for (let i = 2; i < w.length; i++) {
    const a = w[i];
    const next = () => w[++i] ?? '';
    if (a === '--frontend') {
      if (next() !== 'dockerfile.v0') return false;
    } else if (a === '--local') {
      const kv = splitKeyValue(next());
      if (kv?.[0] === 'context') d.context = kv[1];
      else if (kv?.[0] === 'dockerfile') dockerDir = kv[1];
      else return false;
    } else if (a === '--opt') {
      const kv = splitKeyValue(next());
      if (!kv) return false;
      if (kv[0] === 'filename') filename = kv[1];
      else if (kv[0] === 'target') d.target = kv[1];
      else if (kv[0] === 'platform') d.platforms.push(...kv[1].split(','));
      else if (kv[0].startsWith('build-arg:')) d.buildArgs[kv[0].slice(10)] = kv[1];
      else if (kv[0].startsWith('label:')) {
        const label = splitKeyValue(`${kv[0].slice(6)}=${kv[1]}`);
        if (!label) return false;
        d.labels[label[0]] = label[1];
      } else return false;
    } else if (a === '--import-cache' || a === '--export-cache') {
      const m = /^type=registry,ref=(.+?)(,mode=max)?$/.exec(next());
      if (!m) return false;
      (a === '--import-cache' ? d.cacheFrom : d.cacheTo).push(m[1]);
    } else if (a === '--secret') {
      const secret = parseSecretSpec(next());
      if (!secret) return false;
      d.secrets[secret[0]] = secret[1];
    } else if (a === '--output') {
      const fields = csvFields(next());
      if (!fields || fields[0] !== 'type=image') return false;
      for (const f of fields.slice(1)) {
        if (f.startsWith('name=')) d.tags.push(...f.slice(5).split(','));
        else if (f === 'push=true') d.push = true;
        else if (f !== 'push=false') return false;
      }
      output = true;
    } else return false;
  }
  if (d.context === undefined || dockerDir === undefined || filename === undefined || !output) return false;
  d.dockerfile = dockerDir === '.' ? filename : `${dockerDir.replace(/\/$/, '')}/${filename}`;
  return true;
}

/** The build a script performs, when every line is a builder command; else undefined. */
export function recoverBuild(script: string, strategy: ConcreteStrategy): BuildImage | undefined {
  const lines = logicalLines(script);
  const d = emptyBuildDraft();
  let built = false;
  const pushed: string[] = [];
  for (const line of lines) {
    if (line.trim() === '') continue;
    const tool = strategy.strategy === 'buildah' ? 'buildah' : 'docker';
    if (/^mkdir -p (\/kaniko\/\.docker|"\$\{HOME\}\/\.docker")$/.test(line)) continue;
    const config = configLogin(line);
    if (config) {
      d.login = config;
      continue;
    }
    const tokens = commandTokens(line);
    if (!tokens) return undefined;
    const w = words(tokens);
    if (w[0] === 'printf') {
      const login = loginLine(w, tool);
      if (!login || d.login) return undefined;
      d.login = login;
      continue;
    }
    if (w.some((x) => x.startsWith('\u0000'))) return undefined;
    if (!built) {
      const ok =
        strategy.strategy === 'kaniko' ? kaniko(w, d) : strategy.strategy === 'buildah' ? buildahBud(w, d) : strategy.strategy === 'buildkit' ? buildctl(w, d) : dockerBuild(w, d);
      if (ok) {
        built = true;
        continue;
      }
      return undefined;
    }
    if (tool === 'docker' && w[0] === 'docker' && w[1] === 'push' && w.length === 3) pushed.push(w[2]);
    else if (tool === 'buildah' && w[0] === 'buildah' && w[1] === 'push' && w[2] === '--storage-driver' && w[3] === 'vfs' && w.length === 5) pushed.push(w[4]);
    else return undefined;
  }
  if (!built || d.tags.length === 0) return undefined;
  if (pushed.length > 0) {
    if (pushed.join('\n') !== d.tags.join('\n')) return undefined;
    d.push = true;
  }
  const draft: Record<string, unknown> = { ...d };
  // kaniko and buildctl always name a Dockerfile; the default one is no choice of the user.
  // (kaniko's `--dockerfile "${PWD}"/Dockerfile` reads back as the explicit "Dockerfile".)
  const defaultDockerfile = `${(d.context ?? '.').replace(/\/$/, '')}/Dockerfile`;
  if (strategy.strategy === 'kaniko' && d.dockerfile === defaultDockerfile && d.context !== '.') draft.dockerfile = undefined;
  if (strategy.strategy === 'buildkit' && (d.dockerfile === defaultDockerfile || (d.context === '.' && d.dockerfile === 'Dockerfile'))) draft.dockerfile = undefined;
  for (const k of Object.keys(draft)) if (draft[k] === undefined) delete draft[k];
  const parsed = BuildImageSchema.safeParse(draft);
  return parsed.success ? parsed.data : undefined;
}
