// Rules decide whether a job (or, under workflow, a pipeline) is created.
// https://docs.gitlab.com/ee/ci/yaml/#rules
// only/except are the older spelling: https://docs.gitlab.com/ee/ci/yaml/#only--except
import { z } from 'zod';

export const RuleSchema = z
  .object({
    if: z.string().optional(),
    when: z.string().optional(),
    changes: z.unknown().optional(),
    exists: z.unknown().optional(),
    variables: z.unknown().optional(),
    allow_failure: z.unknown().optional(),
  })
  .passthrough();
export type GitlabRuleInput = z.infer<typeof RuleSchema>;

export const OnlyExceptSchema = z.union([
  z.array(z.string()),
  z.object({ refs: z.array(z.string()).optional(), variables: z.array(z.string()).optional(), changes: z.unknown().optional(), kubernetes: z.unknown().optional() }).passthrough(),
]);

/** `only: [main]` and `only: {refs: [main]}` as one list of refs. */
export function onlyRefs(value: z.infer<typeof OnlyExceptSchema>): string[] {
  return Array.isArray(value) ? value : value.refs ?? [];
}
