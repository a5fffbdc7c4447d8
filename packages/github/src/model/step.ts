/**
 * A workflow step: `run` (with env, shell, working-directory) or `uses`.
 * https://docs.github.com/en/actions/writing-workflows/workflow-syntax-for-github-actions#jobsjob_idsteps
 */
import { z } from 'zod';

const stringMap = z.record(z.string(), z.union([z.string(), z.number(), z.boolean()]).transform(String));

export const RunStepSchema = z
  .object({ name: z.string().optional(), run: z.string(), env: stringMap.optional(), shell: z.string().optional(), 'working-directory': z.string().optional() })
  .strict();

export const UsesStepSchema = z
  .object({ name: z.string().optional(), uses: z.string(), with: stringMap.optional(), env: stringMap.optional() })
  .strict();
