/** The example scenarios, loaded and checked as the CLI would. */
import { readdirSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { validatePipeline, type Pipeline } from '@polyci/core';
import { loadConfig } from '../../packages/cli/src/load-config';

export const examplesDir = resolve(__dirname, '../../examples');

/** Names of the example folders. */
export function exampleNames(): string[] {
  return readdirSync(examplesDir, { withFileTypes: true })
    .filter((d) => d.isDirectory())
    .map((d) => d.name)
    .sort();
}

/** Load and check one example's ci.config.ts; throws if it does not validate (examples must). */
export function loadExample(name: string): Pipeline {
  const loaded = loadConfig(join(examplesDir, name, 'ci.config.ts'));
  if (loaded.config === undefined) throw new Error(`example ${name}: ${JSON.stringify(loaded.diagnostics)}`);
  const checked = validatePipeline(loaded.config);
  if (!checked.pipeline) throw new Error(`example ${name}: ${JSON.stringify(checked.diagnostics)}`);
  return checked.pipeline;
}
