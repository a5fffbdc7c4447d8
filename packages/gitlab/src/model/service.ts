// Service defines a container started beside the job, reachable at its alias.
// https://docs.gitlab.com/ee/ci/yaml/#services
import { z } from 'zod';

export const ServiceSchema = z.union([
  z.string(),
  z
    .object({
      name: z.string(),
      alias: z.string().optional(),
      entrypoint: z.array(z.string()).optional(),
      command: z.array(z.string()).optional(),
      variables: z.record(z.string(), z.unknown()).optional(),
    })
    .passthrough(),
]);
export type GitlabService = z.infer<typeof ServiceSchema>;

/** The `- name` shorthand and the long form, as one shape. */
export function normalizeService(service: GitlabService): { name: string; alias?: string; entrypoint?: string[]; command?: string[]; variables?: Record<string, unknown> } {
  return typeof service === 'string' ? { name: service } : service;
}
