/**
 * A compose file: services, networks and volumes, plus `x-` extension fields.
 * The `version` key of the v2/v3 file formats is obsolete in the Compose
 * Specification; Compose v2 ignores it with a warning.
 * https://docs.docker.com/reference/compose-file/
 */
import { z } from 'zod';
import type { ComposeService } from './service';

export const ComposeFileSchema = z
  .object({
    version: z.union([z.string(), z.number()]).optional(),
    name: z.string().optional(),
    services: z.record(z.string(), z.record(z.string(), z.unknown()).nullable()).optional(),
    networks: z.record(z.string(), z.unknown()).nullable().optional(),
    volumes: z.record(z.string(), z.unknown()).nullable().optional(),
  })
  .passthrough();
export type ComposeFileInput = z.infer<typeof ComposeFileSchema>;

/** What polyci emits. */
export interface ComposeFile {
  [extension: `x-${string}`]: unknown;
  services: Record<string, ComposeService>;
  networks?: Record<string, Record<string, never>>;
  volumes?: Record<string, Record<string, never>>;
  [key: string]: unknown;
}
