/**
 * The committed example outputs are exactly what polyci generates now, byte for
 * byte: regenerate every example for every target and compare with the files on disk.
 */
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { compile, hasErrors } from '@polyci/core';
import { loadConfig } from '../packages/cli/src/load-config';
import { allTargets } from '../packages/cli/src/targets';
import { exampleNames, examplesDir } from './support/examples';

describe.each(exampleNames())('example %s', (name) => {
  const dir = join(examplesDir, name);
  const loaded = loadConfig(join(dir, 'ci.config.ts'));
  const result = compile(loaded.config, allTargets, { source: 'ci.config.ts' });

  it('compiles with no error', () => {
    expect(loaded.diagnostics).toEqual([]);
    expect(result.diagnostics.filter((d) => d.severity === 'error')).toEqual([]);
    expect(hasErrors(result.diagnostics)).toBe(false);
  });

  it('emits every target', () => {
    expect(new Set(result.files.map((f) => f.target))).toEqual(new Set(allTargets.map((t) => t.id)));
  });

  it.each(allTargets.map((t) => t.id))('committed %s output is up to date', (target) => {
    const files = result.files.filter((f) => f.target === target);
    for (const { file } of files) {
      const onDisk = join(dir, file.path);
      expect(existsSync(onDisk) ? readFileSync(onDisk, 'utf8') : `(missing ${file.path})`).toBe(file.contents);
    }
  });

  it('is deterministic', () => {
    const again = compile(loadConfig(join(dir, 'ci.config.ts')).config, allTargets, { source: 'ci.config.ts' });
    expect(again.files).toEqual(result.files);
  });
});
