/**
 * GitLab CI: `gitlab-ci-local@4.70.1 --preview`, which expands includes/extends/anchors, runs
 * its own structural checks (script required, needs/stage exist ...) and validates the expanded
 * file against GitLab's own CI JSON schema (bundled in the package, so no download).
 *
 * How it is run (one process per file, cwd = a fresh temp dir holding only `.gitlab-ci.yml`;
 * --cwd must be relative, the tool refuses an absolute one):
 *   node node_modules/gitlab-ci-local/dist/index.js --preview --cwd . --home TMP --file .gitlab-ci.yml
 *        --json-schema-validation --no-color --no-evaluate-rule-changes
 * - No git repo is needed: without one it prints "Using fallback git ..." notes and carries on,
 *   so we do not `git init` (measured: same speed, fewer moving parts). GIT_CEILING_DIRECTORIES
 *   keeps git from finding a repository above the temp dir.
 * - `--home TMP` so a developer's ~/.gitlab-ci-local/variables.yml cannot change the result.
 * - Network: only `include: remote/project/template` would fetch. HTTP(S)_PROXY point at a closed
 *   local port so any such fetch fails at once (and is reported) instead of reaching the internet.
 * - Cost: ~0.6-0.7 s per spawn (node start + 1 MB bundle + schema compile). There is no way to
 *   feed several files to one process, so `validateGitlabCiMany` runs spawns in parallel (one per
 *   core); see the self-test for measured numbers.
 */
import { writeFileSync } from 'node:fs';
import { cpus, tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import type { Finding } from './common';
import { mapLimit, REPO_ROOT, run, withTempDir } from './common';

const FILE = '.gitlab-ci.yml';
const GCL = join(REPO_ROOT, 'node_modules', 'gitlab-ci-local', 'dist', 'index.js');

export interface GitlabRunResult {
  findings: Finding[];
  /** the expanded YAML printed by --preview (empty when invalid) */
  expanded: string;
  exitCode: number | null;
  stderr: string;
  ms: number;
}

const NOISE = [
  /^Using fallback git /,
  /^\s*Command failed with exit code/,
  /^fatal: /,
  /^Unable to retrieve default remote branch/,
  /^parsing and downloads finished in/,
  /^json schema validated in/,
  /^\s*at .*\(.*\)$/,
  /^\s*at .*:\d+:\d+$/,
  /^For further troubleshooting/,
  /^\s*• Copy the content of/,
  /^\s*• Use --ignore-schema-paths/,
  /^\s*• Use --json-schema-validation=false/,
];

function stripAnsi(s: string): string {
  // eslint-disable-next-line no-control-regex
  return s.replace(/\u001b\[[0-9;]*m/g, '');
}

export function parseGitlabCiLocalStderr(stderr: string, exitCode: number | null): Finding[] {
  const lines = stripAnsi(stderr).split('\n');
  const findings: Finding[] = [];
  const schemaStart = lines.findIndex((l) => l.startsWith('Invalid .gitlab-ci.yml configuration!'));
  if (schemaStart >= 0) {
    for (const l of lines.slice(schemaStart + 1)) {
      const m = /^\s*•\s+(.*?)(?:\s+\[(#[^\]]*)\])?$/.exec(l);
      if (!m || /^(Copy the content of|Use --)/.test(m[1])) continue;
      // "'foo' property is not expected to be here at build [#/additionalProperties]"
      const at = / at (\S+)$/.exec(m[1]);
      findings.push({
        file: FILE,
        message: m[2] ? `${m[1]} [${m[2]}]` : m[1],
        rule: 'gitlab:schema',
        ...(at ? { path: '/' + at[1].split('.').join('/') } : {}),
      });
    }
  }
  const yamlIdx = lines.findIndex((l) => /^YAMLException: /.test(l));
  if (yamlIdx >= 0) {
    const msg = lines[yamlIdx].replace(/^YAMLException: /, '');
    const pos = /\((\d+):(\d+)\)\s*$/.exec(msg);
    findings.push({
      file: FILE,
      message: msg,
      rule: 'gitlab:yaml',
      ...(pos ? { line: Number(pos[1]), column: Number(pos[2]) } : {}),
    });
  }
  if (exitCode !== 0 && findings.length === 0) {
    const msg = lines
      .map((l) => l.trimEnd())
      .filter((l) => l.trim() !== '' && !NOISE.some((re) => re.test(l)))
      .join('\n');
    findings.push({ file: FILE, message: msg || `gitlab-ci-local exited with ${exitCode}`, rule: 'gitlab:error' });
  }
  if (exitCode === 0 && findings.length > 0) {
    // Should not happen: the tool printed errors yet exited 0. Keep the findings.
  }
  return findings;
}

/** Run gitlab-ci-local --preview on one document; findings plus the expanded YAML. */
export async function runGitlabCiLocal(text: string, options: { timeoutMs?: number } = {}): Promise<GitlabRunResult> {
  return withTempDir('gitlab', async (dir) => {
    writeFileSync(join(dir, FILE), text);
    const env: NodeJS.ProcessEnv = {
      PATH: process.env.PATH,
      HOME: dir,
      LANG: 'C.UTF-8',
      NO_COLOR: '1',
      FORCE_COLOR: '0',
      GIT_CEILING_DIRECTORIES: dirname(dir),
      GIT_CONFIG_NOSYSTEM: '1',
      HTTP_PROXY: 'http://127.0.0.1:9',
      HTTPS_PROXY: 'http://127.0.0.1:9',
      http_proxy: 'http://127.0.0.1:9',
      https_proxy: 'http://127.0.0.1:9',
      NO_PROXY: '',
      no_proxy: '',
      TMPDIR: process.env.TMPDIR ?? tmpdir(),
    };
    const r = await run(
      process.execPath,
      [
        GCL,
        '--preview',
        '--cwd',
        '.',
        '--home',
        dir,
        '--file',
        FILE,
        '--json-schema-validation',
        '--no-color',
        '--no-evaluate-rule-changes',
      ],
      { cwd: dir, env, timeoutMs: options.timeoutMs ?? 60000 },
    );
    const findings = parseGitlabCiLocalStderr(r.stderr, r.code);
    return { findings, expanded: r.code === 0 ? r.stdout : '', exitCode: r.code, stderr: r.stderr, ms: r.ms };
  });
}

/** Validate one `.gitlab-ci.yml`. */
export async function validateGitlabCi(text: string): Promise<Finding[]> {
  return (await runGitlabCiLocal(text)).findings;
}

/**
 * Validate many documents: one gitlab-ci-local process each (the tool takes one file per run),
 * `concurrency` (default: number of cores) at a time. Result i belongs to texts[i].
 */
export async function validateGitlabCiMany(texts: string[], options: { concurrency?: number } = {}): Promise<Finding[][]> {
  const concurrency = options.concurrency ?? Math.max(1, cpus().length);
  return mapLimit(texts, concurrency, (t) => validateGitlabCi(t));
}
