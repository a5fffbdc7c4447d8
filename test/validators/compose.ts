/**
 * docker compose: Debian bookworm's `docker-compose` (1.29.2, the Python implementation) runs
 * `docker-compose -f compose.yaml config -q` in a fresh temp dir (no daemon needed: `config` only
 * loads, interpolates and validates), plus ajv against the compose-spec JSON schema
 * (../shared/schemas/compose-spec.schema.json).
 *
 * - docker-compose runs with a clean environment (PATH, HOME=temp dir, LANG + `options.env`), so
 *   the host's COMPOSE_* / DOCKER_* / other variables cannot change the result.
 * - Unset variables: compose prints "The X variable is not set. Defaulting to a blank string." and
 *   succeeds. A generated file may legitimately use ${VAR} from the CI environment, so these are
 *   NOT findings unless `reportUnsetVariables: true` (rule `compose:unset-variable`); pass
 *   `env` to define them. Invalid interpolation (`${`, unescaped `$` forms) is always an error.
 * - docker-compose 1.29 checks that local `build` contexts and `env_file`s exist. With
 *   `stubLocalPaths` (default true) the relative build contexts (dirs) and env files (empty) of
 *   the document are created in the temp dir first, because they belong to the repository being
 *   built, not to the compose document under test. Set it to false to check them for real.
 * - 1.29 predates compose-spec keys that Compose v2 accepts (top-level `name`/`include`,
 *   `build.platforms|tags|ssh|secrets|cache_to|additional_contexts`, `depends_on.required|restart`,
 *   `healthcheck.start_interval`, `develop`, `secrets.*.environment` ...). docker-compose's
 *   complaints about exactly those (COMPOSE_V2_ONLY below) get rule `compose:v1-unsupported`
 *   instead of `compose:config`; they are still findings unless `allowComposeV2Keys: true`. Then
 *   those keys are stripped from a copy of the document that docker-compose checks instead (1.29
 *   names only the first unsupported key per map, so merely dropping its messages could hide a
 *   real error next to them), and the compose-spec schema check is the only authority for them.
 * - Each problem line docker-compose prints is one finding.
 */
import Ajv from 'ajv';
import addFormats from 'ajv-formats';
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { stringify } from 'yaml';
import { dirname, isAbsolute, join, normalize } from 'node:path';
import type { Finding } from './common';
import { locate, parseYamlWithPositions, run, SHARED_SCHEMAS, withTempDir, yamlErrors } from './common';

export const COMPOSE_SCHEMA_PATH = join(SHARED_SCHEMAS, 'compose-spec.schema.json');
const FILE = 'compose.yaml';

let validateSpec: ReturnType<Ajv['compile']> | undefined;
function specValidator() {
  if (!validateSpec) {
    const schema = JSON.parse(readFileSync(COMPOSE_SCHEMA_PATH, 'utf8'));
    delete schema.$schema; // "https://json-schema.org/draft-07/schema" (no '#') is not ajv's registered id; it is draft-07
    const ajv = new Ajv({ allErrors: true, strict: false });
    addFormats(ajv);
    validateSpec = ajv.compile(schema);
  }
  return validateSpec;
}

export interface ComposeValidateOptions {
  /** variables visible to docker-compose interpolation */
  env?: Record<string, string>;
  /** report "variable is not set" warnings as findings (default false) */
  reportUnsetVariables?: boolean;
  /** create relative build contexts / env_files before running (default true) */
  stubLocalPaths?: boolean;
  /** drop docker-compose 1.29's complaints about keys only Compose v2 knows (see COMPOSE_V2_ONLY) */
  allowComposeV2Keys?: boolean;
  fileName?: string;
}

/** docker-compose 1.29 messages about compose-spec keys added after it (valid for Compose v2). */
export const COMPOSE_V2_ONLY: readonly RegExp[] = [
  /^services\.[^.]+\.build contains unsupported option: '(platforms|tags|ssh|cache_to|secrets|additional_contexts|privileged|entitlements|ulimits|dockerfile_inline|no_cache|pull)'$/,
  /^services\.[^.]+\.depends_on contains unsupported option: '(required|restart)'$/,
  /^services\.[^.]+\.healthcheck value 'start_interval' does not match any of the regexes: '\^x-'$/,
  /^'(name|include)' does not match any of the regexes: '\^x-'$/,
  /^Unsupported config option for services\.[^:]+: '(develop|attach|post_start|pre_stop|models|provider|gpus|use_api_socket)'$/,
  /^secrets\.[^.]+ value 'environment' does not match any of the regexes: '\^x-'$/,
];

const COMPOSE_NOISE: readonly RegExp[] = [
  /^The Compose file '.*' is invalid because:$/,
  /^You might be seeing this error because you're using the wrong Compose file version/,
  /^For more on the Compose file format versions, see/,
];

/** Copy of the document without the Compose-v2-only keys that docker-compose 1.29 rejects. */
export function stripComposeV2Keys(data: any): any {
  const d = structuredClone(data);
  if (!d || typeof d !== 'object') return d;
  delete d.name;
  delete d.include;
  const obj = (x: unknown): x is Record<string, any> => !!x && typeof x === 'object' && !Array.isArray(x);
  if (obj(d.services)) {
    for (const svc of Object.values(d.services)) {
      if (!obj(svc)) continue;
      for (const k of ['develop', 'attach', 'post_start', 'pre_stop', 'models', 'provider', 'gpus', 'use_api_socket']) delete svc[k];
      if (obj(svc.build)) {
        for (const k of ['platforms', 'tags', 'ssh', 'cache_to', 'secrets', 'additional_contexts', 'privileged', 'entitlements', 'ulimits', 'dockerfile_inline', 'no_cache', 'pull']) delete svc.build[k];
      }
      if (obj(svc.depends_on)) for (const dep of Object.values(svc.depends_on)) if (obj(dep)) { delete dep.required; delete dep.restart; }
      if (obj(svc.healthcheck)) delete svc.healthcheck.start_interval;
    }
  }
  if (obj(d.secrets)) {
    for (const [k, v] of Object.entries(d.secrets)) if (obj(v) && 'environment' in v) d.secrets[k] = { external: true };
  }
  return d;
}

function isLocalRelative(p: unknown): p is string {
  return typeof p === 'string' && p !== '' && !isAbsolute(p) && !/^[a-z][a-z0-9+.-]*:\/\//i.test(p) && !/^git@|\.git(#.*)?$/.test(p) && !p.includes('$');
}

function stubPaths(dir: string, data: any) {
  const inside = (p: string) => {
    const full = normalize(join(dir, p));
    return full.startsWith(dir) ? full : undefined;
  };
  const services = data && typeof data === 'object' ? data.services : undefined;
  if (!services || typeof services !== 'object') return;
  for (const svc of Object.values(services) as any[]) {
    if (!svc || typeof svc !== 'object') continue;
    const ctx = typeof svc.build === 'string' ? svc.build : svc.build?.context;
    if (isLocalRelative(ctx)) {
      const full = inside(ctx);
      if (full) mkdirSync(full, { recursive: true });
    }
    const envFiles = Array.isArray(svc.env_file) ? svc.env_file : svc.env_file !== undefined ? [svc.env_file] : [];
    for (const ef of envFiles) {
      const p = typeof ef === 'string' ? ef : ef?.path;
      if (isLocalRelative(p)) {
        const full = inside(p);
        if (full) {
          mkdirSync(dirname(full), { recursive: true });
          writeFileSync(full, '');
        }
      }
    }
  }
}

/** Validate a compose file with docker-compose 1.29 `config` and the compose-spec schema. */
export async function validateCompose(text: string, options: ComposeValidateOptions = {}): Promise<Finding[]> {
  const file = options.fileName ?? FILE;
  // YAML 1.2 core schema, as Compose v2 (compose-go / yaml.v3) reads it; docker-compose 1.29 parses the text itself
  const { doc, lineCounter } = parseYamlWithPositions(text);
  if (doc.errors.length > 0) return yamlErrors(doc, lineCounter, file, 'compose:yaml');
  const data = doc.toJS({ maxAliasCount: 1000 });
  const findings: Finding[] = [];

  const validate = specValidator();
  if (!validate(data)) {
    const seen = new Set<string>();
    for (const e of validate.errors ?? []) {
      let msg = e.message ?? e.keyword;
      if (e.keyword === 'additionalProperties') msg += ` "${(e.params as any).additionalProperty}"`;
      const key = `${e.instancePath}|${msg}`;
      if (seen.has(key)) continue;
      seen.add(key);
      findings.push({ file, ...locate(doc, lineCounter, e.instancePath), message: `${e.instancePath || '/'}: ${msg} [schema ${e.schemaPath}]`, rule: 'compose:schema', path: e.instancePath });
    }
  }

  await withTempDir('compose', async (dir) => {
    writeFileSync(join(dir, FILE), options.allowComposeV2Keys ? stringify(stripComposeV2Keys(data)) : text);
    if (options.stubLocalPaths !== false) stubPaths(dir, data);
    const r = await run('docker-compose', ['--ansi', 'never', '-f', FILE, 'config', '-q'], {
      cwd: dir,
      env: { PATH: process.env.PATH, HOME: dir, LANG: 'C.UTF-8', LC_ALL: 'C.UTF-8', ...(options.env ?? {}) },
      timeoutMs: 60000,
    });
    const lines = r.stderr.split('\n').map((l) => l.trimEnd()).filter((l) => l.trim() !== '');
    const unset = lines.filter((l) => /variable is not set\. Defaulting to a blank string\.$/.test(l));
    const rest = lines.filter((l) => !unset.includes(l));
    if (options.reportUnsetVariables) {
      for (const l of unset) findings.push({ file, message: l, rule: 'compose:unset-variable' });
    }
    if (r.code !== 0) {
      const problems = rest.filter((l) => !COMPOSE_NOISE.some((re) => re.test(l))).map((l) => l.split(`./${FILE}`).join(file).trim());
      for (const msg of problems) {
        if (COMPOSE_V2_ONLY.some((re) => re.test(msg))) {
          if (!options.allowComposeV2Keys) findings.push({ file, message: msg, rule: 'compose:v1-unsupported' });
        } else {
          findings.push({ file, message: msg, rule: 'compose:config' });
        }
      }
      if (problems.length === 0) findings.push({ file, message: `docker-compose config exited with ${r.code}: ${r.stderr.trim()}`, rule: 'compose:config' });
    }
  });
  return findings;
}
