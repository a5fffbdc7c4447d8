/**
 * Shell commands back into `buildImage` steps. polyci's own build commands (and
 * hand-written ones that say exactly the same) map back; a candidate is kept only
 * when core's `buildImageCommands` writes the very same script from it, so a
 * conversion never changes what runs.
 */
import { BuildImageSchema, buildImageCommands, emptyBuildDraft, parseSecretSpec, shellWords, splitKeyValue, type BuildDraft, type BuildImage, type ConcreteStrategy } from '@polyci/core';

/** Store a parsed [key, value] pair; false when there is none. */
function put(into: Record<string, string>, pair: [string, string] | undefined): boolean {
  if (!pair) return false;
  into[pair[0]] = pair[1];
  return true;
}

const keyValue = (into: Record<string, string>, kv: string): boolean => put(into, splitKeyValue(kv));
const secretSpec = (into: Record<string, string>, spec: string): boolean => put(into, parseSecretSpec(spec));

const unquoted = (s: string) => shellWords(s)?.join(' ');

/** Flags that take a value, per tool; the handler says whether the value made sense. */
type Handlers = Record<string, (draft: BuildDraft, value: string) => boolean>;

function parseFlags(words: string[], handlers: Handlers, draft: BuildDraft, positional: (value: string) => boolean, switches: Record<string, (d: BuildDraft) => void> = {}): boolean {
  for (let i = 0; i < words.length; i++) {
    const w = words[i];
    if (switches[w]) switches[w](draft);
    else if (handlers[w]) {
      if (i + 1 >= words.length || !handlers[w](draft, words[++i])) return false;
    } else if (w.startsWith('--')) return false;
    else if (!positional(w)) return false;
  }
  return true;
}

/** The value flags docker build and buildah bud share. */
const buildFlags: Handlers = {
  '--file': (d, v) => ((d.dockerfile = v), true),
  '--target': (d, v) => ((d.target = v), true),
  '--build-arg': (d, v) => keyValue(d.buildArgs, v),
  '--cache-from': (d, v) => (d.cacheFrom.push(v), true),
  '--cache-to': (d, v) => (d.cacheTo.push(v), true),
  '--platform': (d, v) => (d.platforms.push(...v.split(',')), true),
  '--label': (d, v) => keyValue(d.labels, v),
  '--secret': (d, v) => secretSpec(d.secrets, v),
  '--tag': (d, v) => (d.tags.push(v), true),
};

function fromDockerCli(lines: string[]): BuildDraft | undefined {
  const draft = emptyBuildDraft();
  let l = 0;
  const login = /^printf '%s' "\$\{([A-Za-z_][A-Za-z0-9_]*)\}" \| docker login --username "\$\{([A-Za-z_][A-Za-z0-9_]*)\}" --password-stdin(?: (.+))?$/.exec(lines[0] ?? '');
  if (login) {
    draft.login = { usernameSecret: login[2], passwordSecret: login[1], ...(login[3] ? { server: unquoted(login[3]) } : {}) };
    l = 1;
  }
  const words = shellWords(lines[l] ?? '');
  if (!words) return undefined;
  let rest: string[];
  if (words[0] === 'docker' && words[1] === 'build') rest = words.slice(2);
  else if (words[0] === 'docker' && words[1] === 'buildx' && words[2] === 'build') rest = words.slice(3);
  else return undefined;
  const ok = parseFlags(
    rest,
    buildFlags,
    draft,
    (v) => (draft.context === undefined ? ((draft.context = v), true) : false),
    { '--push': (d) => (d.push = true), '--load': (d) => (d.push = false) },
  );
  if (!ok) return undefined;
  const pushes = lines.slice(l + 1);
  for (const p of pushes) {
    const w = shellWords(p);
    if (!w || w.length !== 3 || w[0] !== 'docker' || w[1] !== 'push') return undefined;
    draft.push = true;
  }
  return draft;
}

const configLogin = /^printf '\{"auths":\{"%s":\{"auth":"%s"\}\}\}' (.+) "\$\(printf '%s:%s' "\$\{([A-Za-z_][A-Za-z0-9_]*)\}" "\$\{([A-Za-z_][A-Za-z0-9_]*)\}" \| base64 \| tr -d '\\n'\)" > .+\/config\.json$/;

function configFileLogin(lines: string[], draft: BuildDraft, defaultServer: string): number {
  if (!lines[0]?.startsWith('mkdir -p ')) return 0;
  const m = configLogin.exec(lines[1] ?? '');
  if (!m) return 0;
  const server = unquoted(m[1]);
  draft.login = { usernameSecret: m[2], passwordSecret: m[3], ...(server && server !== defaultServer ? { server } : {}) };
  return 2;
}

/** `"${PWD}"/path` (as core's kaniko commands write context paths) back to the relative path. */
function relativeToWorkspace(value: string): string {
  if (value === '${PWD}') return '.';
  if (value.startsWith('${PWD}/')) return value.slice('${PWD}/'.length);
  return value;
}

function fromKaniko(lines: string[]): BuildDraft | undefined {
  const draft = emptyBuildDraft();
  const l = configFileLogin(lines, draft, 'https://index.docker.io/v1/');
  if (lines.length !== l + 1) return undefined;
  const words = shellWords(lines[l]);
  if (!words || words[0] !== '/kaniko/executor') return undefined;
  draft.push = true;
  const ok = parseFlags(
    words.slice(1),
    {
      '--context': (d, v) => ((d.context = relativeToWorkspace(v)), true),
      // kaniko always names its Dockerfile, so the import names it too.
      '--dockerfile': (d, v) => ((d.dockerfile = relativeToWorkspace(v)), true),
      '--target': (d, v) => ((d.target = v), true),
      '--build-arg': (d, v) => keyValue(d.buildArgs, v),
      '--label': (d, v) => keyValue(d.labels, v),
      '--custom-platform': (d, v) => (d.platforms.push(v), true),
      '--cache-repo': (d, v) => (d.cacheFrom.push(v), true),
      '--destination': (d, v) => (d.tags.push(v), true),
    },
    draft,
    () => false,
    { '--no-push': (d) => (d.push = false), '--cache=true': () => undefined },
  );
  return ok ? draft : undefined;
}

function fromBuildah(lines: string[]): BuildDraft | undefined {
  const draft = emptyBuildDraft();
  let l = 0;
  const login = /^printf '%s' "\$\{([A-Za-z_][A-Za-z0-9_]*)\}" \| buildah login --storage-driver vfs --username "\$\{([A-Za-z_][A-Za-z0-9_]*)\}" --password-stdin (.+)$/.exec(lines[0] ?? '');
  if (login) {
    const server = unquoted(login[3]);
    draft.login = { usernameSecret: login[2], passwordSecret: login[1], ...(server && server !== 'docker.io' ? { server } : {}) };
    l = 1;
  }
  const words = shellWords(lines[l] ?? '');
  if (!words || words.slice(0, 7).join(' ') !== 'buildah bud --storage-driver vfs --isolation chroot --layers') return undefined;
  const ok = parseFlags(
    words.slice(7),
    buildFlags,
    draft,
    (v) => (draft.context === undefined ? ((draft.context = v), true) : false),
  );
  if (!ok) return undefined;
  for (const p of lines.slice(l + 1)) {
    const w = shellWords(p);
    if (!w || w.length !== 5 || w.slice(0, 4).join(' ') !== 'buildah push --storage-driver vfs') return undefined;
    draft.push = true;
  }
  return draft;
}

function fromBuildctl(lines: string[]): BuildDraft | undefined {
  const draft = emptyBuildDraft();
  const l = configFileLogin(lines, draft, 'https://index.docker.io/v1/');
  if (lines.length !== l + 1) return undefined;
  const words = shellWords(lines[l]);
  if (!words || words.slice(0, 4).join(' ') !== 'buildctl-daemonless.sh build --frontend dockerfile.v0') return undefined;
  let dockerfileDir: string | undefined;
  let dockerfileName: string | undefined;
  const ok = parseFlags(
    words.slice(4),
    {
      '--local': (d, v) => {
        if (v.startsWith('context=')) d.context = v.slice(8);
        else if (v.startsWith('dockerfile=')) dockerfileDir = v.slice(11);
        else return false;
        return true;
      },
      '--opt': (d, v) => {
        if (v.startsWith('filename=')) dockerfileName = v.slice(9);
        else if (v.startsWith('target=')) d.target = v.slice(7);
        else if (v.startsWith('build-arg:')) return keyValue(d.buildArgs, v.slice(10));
        else if (v.startsWith('label:')) return keyValue(d.labels, v.slice(6));
        else if (v.startsWith('platform=')) d.platforms.push(...v.slice(9).split(','));
        else return false;
        return true;
      },
      '--import-cache': (d, v) => {
        const f = csvFields(v);
        return f?.length === 2 && f[0] === 'type=registry' && f[1].startsWith('ref=') ? (d.cacheFrom.push(f[1].slice(4)), true) : false;
      },
      '--export-cache': (d, v) => {
        const f = csvFields(v);
        return f?.length === 3 && f[0] === 'type=registry' && f[1].startsWith('ref=') && f[2] === 'mode=max' ? (d.cacheTo.push(f[1].slice(4)), true) : false;
      },
      '--secret': (d, v) => secretSpec(d.secrets, v),
      '--output': (d, v) => {
        const f = csvFields(v);
        if (!f || f.length !== 3 || f[0] !== 'type=image' || !f[1].startsWith('name=') || !/^push=(true|false)$/.test(f[2])) return false;
        d.tags.push(...f[1].slice(5).split(','));
        d.push = f[2] === 'push=true';
        return true;
      },
    },
    draft,
    () => false,
  );
  if (!ok || dockerfileDir === undefined || dockerfileName === undefined) return undefined;
  const context = draft.context ?? '.';
  const fallback = `${context.replace(/\/$/, '')}/Dockerfile`;
  const given = dockerfileDir === '.' ? dockerfileName : `${dockerfileDir === '/' ? '' : dockerfileDir}/${dockerfileName}`;
  if (given !== fallback && !(dockerfileDir === '.' && fallback === `./${dockerfileName}`)) draft.dockerfile = given;
  return draft;
}

/** buildctl's CSV options (Go encoding/csv): fields split at commas, quoted fields with doubled quotes. */
export function csvFields(value: string): string[] | undefined {
  const fields: string[] = [];
  let i = 0;
  for (;;) {
    let field = '';
    if (value[i] === '"') {
      i++;
      for (;;) {
        if (i >= value.length) return undefined;
        if (value[i] === '"') {
          if (value[i + 1] === '"') {
            field += '"';
            i += 2;
            continue;
          }
          i++;
          break;
        }
        field += value[i++];
      }
      if (i < value.length && value[i] !== ',') return undefined;
    } else {
      const end = value.indexOf(',', i);
      field = value.slice(i, end < 0 ? value.length : end);
      if (field.includes('"')) return undefined;
      i = end < 0 ? value.length : end;
    }
    fields.push(field);
    if (i >= value.length) return fields;
    i++;
  }
}

/** A script's commands, one per line, where a quoted newline belongs to its word, not a new command. */
function commandLines(script: string): string[] {
  const lines: string[] = [];
  let current = '';
  let quote: string | undefined;
  for (let i = 0; i < script.length; i++) {
    const c = script[i];
    if (quote) {
      if (c === quote) quote = undefined;
      else if (quote === '"' && c === '\\') {
        current += c + (script[i + 1] ?? '');
        i++;
        continue;
      }
    } else if (c === '\\') {
      current += c + (script[i + 1] ?? '');
      i++;
      continue;
    } else if (c === "'" || c === '"') quote = c;
    else if (c === '\n') {
      lines.push(current);
      current = '';
      continue;
    }
    current += c;
  }
  lines.push(current);
  return lines;
}

/**
 * A script that is exactly a build under `strategy`, as a BuildImage; undefined
 * when it is anything else (it then stays a run step).
 */
export function buildFromScript(script: string, strategy: ConcreteStrategy): BuildImage | undefined {
  const lines = commandLines(script);
  let draft: BuildDraft | undefined;
  try {
    switch (strategy.strategy) {
      case 'kaniko':
        draft = fromKaniko(lines);
        break;
      case 'buildah':
        draft = fromBuildah(lines);
        break;
      case 'buildkit':
        draft = fromBuildctl(lines);
        break;
      default:
        draft = fromDockerCli(lines);
    }
  } catch {
    return undefined;
  }
  if (!draft || draft.tags.length === 0) return undefined;
  const candidate: Record<string, unknown> = { context: draft.context ?? '.', tags: draft.tags, push: draft.push };
  if (draft.dockerfile !== undefined) candidate.dockerfile = draft.dockerfile;
  if (draft.target !== undefined) candidate.target = draft.target;
  if (draft.login) candidate.login = draft.login;
  for (const k of ['buildArgs', 'labels', 'secrets'] as const) if (Object.keys(draft[k]).length > 0) candidate[k] = draft[k];
  for (const k of ['cacheFrom', 'cacheTo', 'platforms'] as const) if (draft[k].length > 0) candidate[k] = draft[k];
  const parsed = BuildImageSchema.safeParse(candidate);
  if (!parsed.success) return undefined;
  if (buildImageCommands(parsed.data, strategy).join('\n') !== script) return undefined;
  return parsed.data;
}
