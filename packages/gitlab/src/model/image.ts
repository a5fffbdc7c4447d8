// Image defines the container image a job runs in: a name, or {name, entrypoint}.
// https://docs.gitlab.com/ee/ci/yaml/#image
import { z } from 'zod';

export const ImageSchema = z.union([
  z.string(),
  z.object({ name: z.string(), entrypoint: z.array(z.string()).optional(), pull_policy: z.unknown().optional(), docker: z.unknown().optional() }).passthrough(),
]);
export type GitlabImage = z.infer<typeof ImageSchema>;

/** The `image: name` shorthand and the long form, as one shape. */
export function normalizeImage(image: GitlabImage): { name: string; entrypoint?: string[] } {
  return typeof image === 'string' ? { name: image } : { name: image.name, ...(image.entrypoint ? { entrypoint: image.entrypoint } : {}) };
}
