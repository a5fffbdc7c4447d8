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
 * - 1.29 predates some compose-spec keys (e.g. `develop`, `include`); the ajv schema check is the
 *   authority for the spec, docker-compose for what a real (if older) engine accepts.
 */
import Ajv from 'ajv';
import addFormats from 'ajv-formats';
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
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
  fileName?: string;
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
  const { doc, lineCounter } = parseYamlWithPositions(text, { version: '1.1' }); // PyYAML is YAML 1.1
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
    writeFileSync(join(dir, FILE), text);
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
      const msg = rest
        .filter((l) => !/^The Compose file '.*' is invalid because:$/.test(l))
        .join('\n')
        .split(`./${FILE}`)
        .join(file);
      findings.push({ file, message: msg || `docker-compose config exited with ${r.code}`, rule: 'compose:config' });
    }
  });
  return findings;
}
