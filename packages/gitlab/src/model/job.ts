// Job: a top-level key that is not a keyword and holds a script (or trigger).
// https://docs.gitlab.com/ee/ci/yaml/#job-keywords
import { z } from 'zod';
import { ImageSchema } from './image';
import { RuleSchema } from './rules';
import { ServiceSchema } from './service';

export type { GitlabImage } from './image';
export type { GitlabService } from './service';

/** A script: one command or a list of them (nested lists come from !reference). */
export const ScriptSchema = z.union([z.string(), z.array(z.unknown())]);

export const ArtifactsSchema = z.object({ paths: z.array(z.string()).optional(), expire_in: z.string().optional() }).passthrough();
export const CacheSchema = z.object({ key: z.unknown().optional(), paths: z.array(z.string()).optional() }).passthrough();
export const RetrySchema = z.union([z.number().int(), z.object({ max: z.number().int().optional() }).passthrough()]);
export const NeedsSchema = z.array(z.union([z.string(), z.object({ job: z.string() }).passthrough()]));

export const JobSchema = z
  .object({
    stage: z.string().optional(),
    image: ImageSchema.optional(),
    services: z.array(ServiceSchema).optional(),
    variables: z.record(z.string(), z.unknown()).optional(),
    before_script: ScriptSchema.optional(),
    script: ScriptSchema.optional(),
    after_script: ScriptSchema.optional(),
    needs: NeedsSchema.optional(),
    rules: z.array(RuleSchema).optional(),
    tags: z.array(z.string()).optional(),
    timeout: z.string().optional(),
    retry: RetrySchema.optional(),
    artifacts: ArtifactsSchema.optional(),
    cache: z.union([CacheSchema, z.array(CacheSchema)]).optional(),
    when: z.string().optional(),
  })
  .passthrough();
export type GitlabJob = z.infer<typeof JobSchema>;

/** Top-level keys that are keywords, not jobs. https://docs.gitlab.com/ee/ci/yaml/#global-keywords */
export const globalKeywords = ['default', 'include', 'stages', 'variables', 'workflow', 'image', 'services', 'cache', 'before_script', 'after_script', 'types', 'spec'] as const;

/** Every key GitLab accepts in a job; anything else makes GitLab reject the file. https://docs.gitlab.com/ee/ci/yaml/#job-keywords */
export const jobKeywords = [
  'after_script', 'allow_failure', 'artifacts', 'before_script', 'cache', 'coverage', 'dast_configuration', 'dependencies', 'environment',
  'except', 'extends', 'hooks', 'id_tokens', 'identity', 'image', 'inherit', 'interruptible', 'manual_confirmation', 'needs', 'only', 'pages',
  'parallel', 'publish', 'release', 'resource_group', 'retry', 'rules', 'run', 'script', 'secrets', 'services', 'stage', 'start_in', 'tags',
  'timeout', 'trigger', 'variables', 'when',
] as const;
