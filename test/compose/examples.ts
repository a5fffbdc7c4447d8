/** The examples for the compose tests. */
import { join } from 'node:path';
import { validatePipeline, type Pipeline } from '@polyci/core';
import { examplesDir, exampleNames, loadExample } from '../support/examples';

export { exampleNames };

/**
 * An example's checked pipeline. The CLI's loader (loadExample) is tried first; when it
 * refuses the config under jest (its plain-data check sees objects of another realm),
 * the config module is required directly: same file, same validation.
 */
export function examplePipeline(name: string): Pipeline {
  try {
    return loadExample(name);
  } catch {
    // eslint-disable-next-line @typescript-eslint/no-var-requires
    const config = require(join(examplesDir, name, 'ci.config.ts')).default;
    const checked = validatePipeline(config);
    if (!checked.pipeline) throw new Error(`example ${name}: ${JSON.stringify(checked.diagnostics)}`);
    return checked.pipeline;
  }
}
