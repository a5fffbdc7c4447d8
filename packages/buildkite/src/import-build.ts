/**
 * Command entries back into `buildImage` steps. polyci writes a build as the
 * builder's own command lines (core's buildImageCommands); the importer reads the
 * flags back and keeps the result only when it writes the very same text again,
 * so a hand-written `docker build` stays a `run` step rather than a guess.
 */
import { BuildImageSchema, buildImageCommands, emptyBuildDraft, shellWords, type BuildDraft, type BuildImage, type ConcreteStrategy } from '@polyci/core';

/** Lines of a script, split on newlines outside quotes (a quoted tag may hold one). */
export function shellLines(script: string): string[] {
  const lines: string[] = [];
  let start = 0;
  let quote: string | undefined;
  for (let i = 0; i < script.length; i++) {
    const c = script[i];
    if (quote) {
      if (c === quote) quote = undefined;
      else if (quote === '"' && c === '\\') i++;
    } else if (c === "'" || c === '"') quote = c;
    else if (c === '\\') i++;
    else if (c === '\n') {
      lines.push(script.slice(start, i));
      start = i + 1;
    }
  }
  lines.push(script.slice(start));
  return lines;
}

/** A `--flag value` reader over words. */
function flags(words: string[], start: number): { pairs: [string, string | undefined][]; positional: string[] } {
  const pairs: [string, string | undefined][] = [];
  const positional: string[] = [];
  const bare = new Set(['--push', '--load', '--layers', '--no-push', '--cache=true']);
  for (let i = start; i < words.length; i++) {
    const w = words[i];
    if (bare.has(w)) pairs.push([w, undefined]);
    else if (w.startsWith('--')) pairs.push([w, words[++i]]);
    else positional.push(w);
  }
  return { pairs, positional };
}

function splitAt(text: string, sep: string): [string, string] {
  const at = text.indexOf(sep);
  return at < 0 ? [text, ''] : [text.slice(0, at), text.slice(at + sep.length)];
}

/** Common flags of docker build and buildah bud. */
function readBuildFlags(draft: BuildDraft, pairs: [string, string | undefined][]): boolean {
  for (const [flag, value] of pairs) {
    if (flag === '--push') draft.push = true;
    else if (flag === '--load' || flag === '--layers') continue;
    else if (value === undefined) return false;
    else if (flag === '--file') draft.dockerfile = value;
    else if (flag === '--target') draft.target = value;
    else if (flag === '--build-arg') draft.buildArgs[splitAt(value, '=')[0]] = splitAt(value, '=')[1];
    else if (flag === '--cache-from') draft.cacheFrom.push(value);
    else if (flag === '--cache-to') draft.cacheTo.push(value);
    else if (flag === '--platform') draft.platforms.push(...value.split(','));
    else if (flag === '--label') draft.labels[splitAt(value, '=')[0]] = splitAt(value, '=')[1];
    else if (flag === '--secret') {
      const m = /^id=([^,]*),env=(.*)$/s.exec(value);
      if (!m) return false;
      draft.secrets[m[1]] = m[2];
    } else if (flag === '--tag') draft.tags.push(value);
    else if (flag === '--storage-driver' || flag === '--isolation') continue;
    else return false;
  }
  return true;
}

const secretRef = /^"\$\{([A-Za-z_][A-Za-z0-9_]*)\}"$/;

/** `printf '%s' "${P}" | <tool> login ... --username "${U}" --password-stdin [server]` */
function readCliLogin(line: string, tool: 'docker' | 'buildah'): BuildDraft['login'] | undefined {
  const m = new RegExp(`^printf '%s' ("\\$\\{[A-Za-z_][A-Za-z0-9_]*\\}") \\| ${tool} login (?:--storage-driver vfs )?--username ("\\$\\{[A-Za-z_][A-Za-z0-9_]*\\}") --password-stdin(?: (.+))?$`, 's').exec(line);
  if (!m) return undefined;
  const server = m[3] === undefined ? undefined : shellWords(m[3])?.join(' ');
  return { passwordSecret: secretRef.exec(m[1])![1], usernameSecret: secretRef.exec(m[2])![1], ...(server !== undefined && !(tool === 'buildah' && server === 'docker.io') ? { server } : {}) };
}

/** The two lines that write a docker config.json for kaniko and buildctl. */
function readConfigLogin(lines: string[], dir: string): { login?: BuildDraft['login']; rest: string[] } {
  if (lines[0] !== `mkdir -p ${dir}` || !lines[1]) return { rest: lines };
  const m = /^printf '\{"auths":\{"%s":\{"auth":"%s"\}\}\}' (.+) "\$\(printf '%s:%s' "\$\{([A-Za-z_][A-Za-z0-9_]*)\}" "\$\{([A-Za-z_][A-Za-z0-9_]*)\}" \| base64 \| tr -d '\\n'\)" > (.+)\/config\.json$/s.exec(lines[1]);
  if (!m || m[4] !== dir) return { rest: lines };
  const server = shellWords(m[1])?.join(' ');
  return { login: { ...(server && server !== 'https://index.docker.io/v1/' ? { server } : {}), usernameSecret: m[2], passwordSecret: m[3] }, rest: lines.slice(2) };
}

/** kaniko wants absolute paths: "${PWD}"/rest back to rest. */
function relative(path: string): string {
  if (path === '${PWD}') return '.';
  return path.startsWith('${PWD}/') ? path.slice('${PWD}/'.length) : path;
}

function dockerDrafts(lines: string[]): BuildDraft[] {
  const d = emptyBuildDraft();
  let i = 0;
  if (lines[i]?.includes(' docker login ')) {
    d.login = readCliLogin(lines[i++], 'docker');
    if (!d.login) return [];
  }
  const words = shellWords(lines[i++] ?? '');
  if (!words) return [];
  const start = words[0] === 'docker' && words[1] === 'build' ? 2 : words[0] === 'docker' && words[1] === 'buildx' && words[2] === 'build' ? 3 : -1;
  if (start < 0) return [];
  const { pairs, positional } = flags(words, start);
  if (positional.length !== 1 || !readBuildFlags(d, pairs)) return [];
  d.context = positional[0];
  for (; i < lines.length; i++) {
    const push = shellWords(lines[i]);
    if (!push || push[0] !== 'docker' || push[1] !== 'push' || push.length !== 3) return [];
    d.push = true;
  }
  return [d];
}

function buildahDrafts(lines: string[]): BuildDraft[] {
  const d = emptyBuildDraft();
  let i = 0;
  if (lines[i]?.includes(' buildah login ')) {
    d.login = readCliLogin(lines[i++], 'buildah');
    if (!d.login) return [];
  }
  const words = shellWords(lines[i++] ?? '');
  if (!words || words[0] !== 'buildah' || words[1] !== 'bud') return [];
  const { pairs, positional } = flags(words, 2);
  if (positional.length !== 1 || !readBuildFlags(d, pairs)) return [];
  d.context = positional[0];
  if (i < lines.length) d.push = true;
  return [d];
}

function kanikoDrafts(lines: string[]): BuildDraft[] {
  const d = emptyBuildDraft();
  const { login, rest } = readConfigLogin(lines, '/kaniko/.docker');
  d.login = login;
  if (rest.length !== 1) return [];
  const words = shellWords(rest[0]);
  if (!words || words[0] !== '/kaniko/executor') return [];
  let dockerfile: string | undefined;
  d.push = true;
  for (const [flag, value] of flags(words, 1).pairs) {
    if (flag === '--no-push') d.push = false;
    else if (flag === '--cache=true') continue;
    else if (value === undefined) return [];
    else if (flag === '--context') d.context = relative(value);
    else if (flag === '--dockerfile') dockerfile = relative(value);
    else if (flag === '--target') d.target = value;
    else if (flag === '--build-arg') d.buildArgs[splitAt(value, '=')[0]] = splitAt(value, '=')[1];
    else if (flag === '--label') d.labels[splitAt(value, '=')[0]] = splitAt(value, '=')[1];
    else if (flag === '--custom-platform') d.platforms.push(value);
    else if (flag === '--cache-repo') d.cacheFrom.push(value);
    else if (flag === '--destination') d.tags.push(value);
    else return [];
  }
  // kaniko always names the Dockerfile: read it as written, then as the default it may have been.
  return [{ ...d, dockerfile }, d, { ...d, context: `./${d.context}`, dockerfile }, { ...d, cacheTo: d.cacheFrom, cacheFrom: [] }];
}

function buildkitDrafts(lines: string[]): BuildDraft[] {
  const d = emptyBuildDraft();
  const { login, rest } = readConfigLogin(lines, '"${HOME}/.docker"');
  d.login = login;
  if (rest.length !== 1) return [];
  const words = shellWords(rest[0]);
  if (!words || words[0] !== 'buildctl-daemonless.sh' || words[1] !== 'build') return [];
  let dockerfileDir = '.';
  let filename = 'Dockerfile';
  for (const [flag, value] of flags(words, 2).pairs) {
    if (value === undefined) return [];
    if (flag === '--frontend') continue;
    const [k, v] = splitAt(value, '=');
    if (flag === '--local' && k === 'context') d.context = v;
    else if (flag === '--local' && k === 'dockerfile') dockerfileDir = v;
    else if (flag === '--opt' && k === 'filename') filename = v;
    else if (flag === '--opt' && k === 'target') d.target = v;
    else if (flag === '--opt' && k.startsWith('build-arg:')) d.buildArgs[k.slice('build-arg:'.length)] = v;
    else if (flag === '--opt' && k.startsWith('label:')) d.labels[k.slice('label:'.length)] = v;
    else if (flag === '--opt' && k === 'platform') d.platforms.push(...v.split(','));
    else if (flag === '--import-cache' && value.startsWith('type=registry,ref=')) d.cacheFrom.push(value.slice('type=registry,ref='.length));
    else if (flag === '--export-cache' && /^type=registry,ref=.*,mode=max$/s.test(value)) d.cacheTo.push(value.slice('type=registry,ref='.length, -',mode=max'.length));
    else if (flag === '--secret') {
      const m = /^id=([^,]*),env=(.*)$/s.exec(value);
      if (!m) return [];
      d.secrets[m[1]] = m[2];
    } else if (flag === '--output') {
      const m = /^type=image,(?:"name=(.*)"|name=(.*)),push=(true|false)$/s.exec(value);
      if (!m) return [];
      d.tags = m[1] !== undefined ? m[1].split(',') : [m[2]];
      d.push = m[3] === 'true';
    } else return [];
  }
  const explicit = dockerfileDir === '.' ? filename : `${dockerfileDir}/${filename}`;
  // buildctl names a directory and a file name; the default pairing means no dockerfile in the IR.
  return [d, { ...d, dockerfile: explicit }, { ...d, dockerfile: `${dockerfileDir}/${filename}` }];
}

/** The build an entry performs under a strategy, when it is exactly what polyci writes for one. */
export function readBuildImage(script: string, strategy: ConcreteStrategy | undefined): BuildImage | undefined {
  if (!strategy) return undefined;
  const lines = shellLines(script);
  const drafts =
    strategy.strategy === 'kaniko' ? kanikoDrafts(lines) : strategy.strategy === 'buildah' ? buildahDrafts(lines) : strategy.strategy === 'buildkit' ? buildkitDrafts(lines) : dockerDrafts(lines);
  for (const draft of drafts) {
    const parsed = BuildImageSchema.safeParse({ ...draft, login: draft.login ?? undefined });
    if (!parsed.success) continue;
    try {
      if (buildImageCommands(parsed.data, strategy).join('\n') === script) return parsed.data;
    } catch {
      // a draft the generator cannot write is not the one
    }
  }
  return undefined;
}

const plainWord = /^[^`;&|<>(){}*?[\]!#~]*$/;

/**
 * A hand-written `docker build` (and `docker push` of the same tags, and a
 * `docker login` from two variables) as a build, when every word maps to a field:
 * anything else (another flag, a pipe, a substitution) keeps the script a `run` step.
 */
export function readHandWrittenDockerBuild(script: string): BuildImage | undefined {
  const lines = shellLines(script.replace(/\\\n[ \t]*/g, ' ')).map((l) => l.trim()).filter((l) => l !== '');
  const d = emptyBuildDraft();
  let i = 0;
  const login = /^(?:echo|printf '%s'|printf "%s") "\$\{?([A-Za-z_][A-Za-z0-9_]*)\}?" \| docker login (?:-u|--username) "?\$\{?([A-Za-z_][A-Za-z0-9_]*)\}?"? --password-stdin(?: ([A-Za-z0-9.:-]+))?$/.exec(lines[0] ?? '');
  if (login) {
    d.login = { passwordSecret: login[1], usernameSecret: login[2], ...(login[3] ? { server: login[3] } : {}) };
    i++;
  }
  const line = lines[i++];
  if (!line || /\$\(|`/.test(line)) return undefined;
  const words = shellWords(line);
  if (!words || !words.every((w) => plainWord.test(w.replace(/\$\{?[A-Za-z_][A-Za-z0-9_]*\}?/g, '')))) return undefined;
  const start = words[0] === 'docker' && words[1] === 'build' ? 2 : words[0] === 'docker' && ['buildx', 'image'].includes(words[1]) && words[2] === 'build' ? 3 : -1;
  if (start < 0) return undefined;
  const aliases: Record<string, string> = { '-t': '--tag', '-f': '--file' };
  const pairs: [string, string | undefined][] = [];
  const positional: string[] = [];
  for (let w = start; w < words.length; w++) {
    const word = words[w];
    const eq = word.startsWith('--') ? word.indexOf('=') : -1;
    if (word === '--push' || word === '--load') pairs.push([word, undefined]);
    else if (eq > 0) pairs.push([word.slice(0, eq), word.slice(eq + 1)]);
    else if (word.startsWith('-')) pairs.push([aliases[word] ?? word, words[++w]]);
    else positional.push(word);
  }
  if (positional.length !== 1 || !readBuildFlags(d, pairs) || d.tags.length === 0) return undefined;
  d.context = positional[0];
  const pushed = new Set<string>();
  for (; i < lines.length; i++) {
    const push = shellWords(lines[i]);
    if (!push || push.length !== 3 || push[0] !== 'docker' || push[1] !== 'push' || !d.tags.includes(push[2])) return undefined;
    pushed.add(push[2]);
  }
  if (pushed.size > 0 && pushed.size !== d.tags.length) return undefined;
  if (pushed.size > 0) d.push = true;
  const parsed = BuildImageSchema.safeParse({ ...d, login: d.login ?? undefined });
  return parsed.success ? parsed.data : undefined;
}
