/**
 * The migration corpus: every fixture config of every vendor (test/fixtures/<vendor>,
 * including the seed pipelines) is imported and emitted for every other target,
 * and every result passes that target's real validator.
 */
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join, relative, resolve } from 'node:path';
import { compile, type TargetId } from '@polyci/core';
import { allTargets } from '../packages/cli/src/targets';
import { validateGenerated, type Generated } from './support/validate-output';

const fixtures = resolve(__dirname, 'fixtures');

/** Input files of a vendor's fixtures: whatever that target detects (expected outputs are not inputs). */
function corpus(id: TargetId): string[] {
  const dir = join(fixtures, id);
  const target = allTargets.find((t) => t.id === id)!;
  const files: string[] = [];
  const walk = (d: string) => {
    for (const name of readdirSync(d).sort()) {
      const p = join(d, name);
      if (statSync(p).isDirectory()) walk(p);
      else if (!/expected|golden|\.json$|\.md$/i.test(name) && (/^input\./.test(name) || target.detect(p, readFileSync(p, 'utf8')))) files.push(p);
    }
  };
  try {
    walk(dir);
  } catch {
    return [];
  }
  return files;
}

const vendors = allTargets.filter((t) => t.import).map((t) => t.id);

describe.each(vendors)('migrating the %s corpus', (from) => {
  const files = corpus(from);
  const source = allTargets.find((t) => t.id === from)!;

  it('has at least 8 realistic configs', () => {
    expect(files.length).toBeGreaterThanOrEqual(8);
  });

  it('imports every config and emits valid files for every other target', async () => {
    const generated: Generated[] = [];
    const problems: string[] = [];
    for (const file of files) {
      const label = relative(fixtures, file);
      const imported = source.import!([{ path: file, contents: readFileSync(file, 'utf8') }]);
      const errors = imported.diagnostics.filter((d) => d.severity === 'error');
      // A fixture of broken input (a syntax error) must say where, and has nothing to migrate.
      if (errors.length > 0 && errors.some((d) => d.code === 'PCI040' || d.code === 'PCI050')) {
        if (!errors.every((d) => d.code !== 'PCI040' || (d.line ?? 0) > 0)) problems.push(`${label}: a syntax error without its line`);
        continue;
      }
      if (errors.length > 0) {
        problems.push(`${label}: import errors ${JSON.stringify(errors)}`);
        continue;
      }
      const others = allTargets.filter((t) => t.id !== from);
      const result = compile(imported.pipeline, others, { source: label });
      const compileErrors = result.diagnostics.filter((d) => d.severity === 'error');
      // a config may be valid for its vendor yet break polyci's policy (e.g. a denied strategy); that must be said, not emitted
      if (compileErrors.length > 0) {
        problems.push(`${label}: compile errors ${JSON.stringify(compileErrors)}`);
        continue;
      }
      const runnerLabels = Object.values(imported.pipeline.jobs).flatMap((j) => j.runner?.labels ?? []);
      for (const f of result.files) generated.push({ label, target: f.target, file: f.file, runnerLabels });
    }
    expect(problems).toEqual([]);
    const verdicts = await validateGenerated(generated);
    expect(verdicts.filter((v) => v.findings.length > 0)).toEqual([]);
  });
});
