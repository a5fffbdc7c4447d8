/**
 * The job keys whose shorthands need one place to be normalised.
 * https://docs.github.com/en/actions/writing-workflows/workflow-syntax-for-github-actions#jobsjob_id
 */
import { z } from 'zod';

/** `needs: a` or `needs: [a, b]`. https://docs.github.com/en/actions/writing-workflows/workflow-syntax-for-github-actions#jobsjob_idneeds */
export const NeedsSchema = z.union([z.string(), z.array(z.string())]).transform((v) => (typeof v === 'string' ? [v] : v));

/** `runs-on: label`, `[labels]` or `{group, labels}`. https://docs.github.com/en/actions/writing-workflows/workflow-syntax-for-github-actions#jobsjob_idruns-on */
export const RunsOnSchema = z.union([
  z.string().transform((l) => ({ labels: [l] as string[], group: undefined as string | undefined })),
  z.array(z.string()).transform((labels) => ({ labels, group: undefined as string | undefined })),
  z
    .object({ group: z.string().optional(), labels: z.union([z.string(), z.array(z.string())]).optional() })
    .strict()
    .transform((o) => ({ group: o.group, labels: o.labels === undefined ? [] : typeof o.labels === 'string' ? [o.labels] : o.labels })),
]);

const stringMap = z.record(z.string(), z.union([z.string(), z.number(), z.boolean()]).transform(String));

/** `container: image` or `container: {image, env, volumes, options, ...}`. https://docs.github.com/en/actions/writing-workflows/workflow-syntax-for-github-actions#jobsjob_idcontainer */
export const ContainerSchema = z.union([
  z.string().transform((image) => ({ image }) as Container),
  z
    .object({
      image: z.string(),
      env: stringMap.optional(),
      volumes: z.array(z.string()).optional(),
      options: z.string().optional(),
      ports: z.array(z.union([z.string(), z.number()])).optional(),
      credentials: z.record(z.string(), z.unknown()).optional(),
    })
    .strict(),
]);
export type Container = { image: string; env?: Record<string, string>; volumes?: string[]; options?: string; ports?: (string | number)[]; credentials?: Record<string, unknown> };

/** A service container. https://docs.github.com/en/actions/writing-workflows/workflow-syntax-for-github-actions#jobsjob_idservices */
export const ServiceSchema = z
  .object({
    image: z.string(),
    env: stringMap.optional(),
    ports: z.array(z.union([z.string(), z.number()])).optional(),
    volumes: z.array(z.string()).optional(),
    options: z.string().optional(),
    credentials: z.record(z.string(), z.unknown()).optional(),
  })
  .strict();
export type GithubServiceInput = z.infer<typeof ServiceSchema>;

export const EnvSchema = stringMap;

/** Keys of a job that the IR holds; the rest go to `vendor.github`. */
export const convertedJobKeys = ['name', 'needs', 'if', 'runs-on', 'timeout-minutes', 'container', 'services', 'env', 'steps', 'defaults'] as const;
