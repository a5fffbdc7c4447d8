/**
 * A compose service, as polyci writes it and as the importer reads it.
 * https://docs.docker.com/reference/compose-file/services/
 */
import { z } from 'zod';

/** `environment`: a map, or a list of `NAME=value` / `NAME` (pass-through) entries. */
export const EnvironmentSchema = z.union([
  z.record(z.string(), z.union([z.string(), z.number(), z.boolean(), z.null()])),
  z.array(z.string()),
]);

/** `depends_on`: a list of names (service_started), or a map of name to condition. */
export const DependsOnSchema = z.union([
  z.array(z.string()),
  z.record(
    z.string(),
    z
      .object({
        condition: z.enum(['service_started', 'service_healthy', 'service_completed_successfully']).optional(),
        required: z.boolean().optional(),
        restart: z.boolean().optional(),
      })
      .passthrough(),
  ),
]);

/** `volumes`: short syntax `source:target[:mode]` or the long form. https://docs.docker.com/reference/compose-file/services/#volumes */
export const ServiceVolumeSchema = z.union([
  z.string(),
  z
    .object({
      type: z.string().optional(),
      source: z.string().optional(),
      target: z.string(),
      read_only: z.boolean().optional(),
    })
    .passthrough(),
]);

/** `healthcheck`. https://docs.docker.com/reference/compose-file/services/#healthcheck */
export const HealthcheckSchema = z
  .object({
    test: z.union([z.string(), z.array(z.string())]).optional(),
    interval: z.string().optional(),
    timeout: z.string().optional(),
    retries: z.number().optional(),
    start_period: z.string().optional(),
    disable: z.boolean().optional(),
  })
  .passthrough();

/** `networks` of a service: a list of names, or a map of name to aliases. */
export const ServiceNetworksSchema = z.union([
  z.array(z.string()),
  z.record(z.string(), z.union([z.null(), z.object({ aliases: z.array(z.string()).optional() }).passthrough()])),
]);

/** `command` / `entrypoint`: shell form (a string) or exec form (a list). */
export const CommandSchema = z.union([z.string(), z.array(z.string()), z.null()]);

export interface ComposeHealthcheck {
  test: string[];
  interval: string;
  timeout: string;
  retries: number;
}

export type ComposeDependsOn = Record<string, { condition: 'service_started' | 'service_healthy' | 'service_completed_successfully' }>;

/** A service as polyci emits it (key order is the order in the file). */
export interface ComposeService {
  image: string;
  profiles?: string[];
  labels?: Record<string, string>;
  privileged?: boolean;
  security_opt?: string[];
  entrypoint?: string[];
  command?: string[];
  working_dir?: string;
  environment?: Record<string, string | null>;
  volumes?: string[];
  expose?: string[];
  healthcheck?: ComposeHealthcheck;
  depends_on?: ComposeDependsOn;
  networks?: Record<string, { aliases?: string[] }>;
  cpus?: number;
  mem_limit?: string;
  [key: string]: unknown;
}
