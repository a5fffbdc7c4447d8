/**
 * The polyci IR: one vendor-neutral pipeline. It reads top to bottom like a spec;
 * every vendor package adapts this tree to its own format and back.
 *
 * A `ci.config.ts` exports exactly this shape (the builder in `builder.ts` is
 * sugar over it), so the schema is also the user-facing contract.
 */
import { z } from 'zod';

/** The five CI systems polyci speaks. */
export const targetIds = ['gitlab', 'github', 'buildkite', 'jenkins', 'compose'] as const;
export const TargetIdSchema = z.enum(targetIds);
export type TargetId = z.infer<typeof TargetIdSchema>;

/** The patterns the schema checks strings against (shared with the fast path in fast-parse.ts). */
export const irPatterns = {
  identifier: /^[A-Za-z_][A-Za-z0-9_-]{0,62}$/,
  envName: /^[A-Za-z_][A-Za-z0-9_]*$/,
  imageTag: /^[A-Za-z0-9][A-Za-z0-9._-]{0,127}$/,
  absolutePath: /^\/[^\s:]*$/,
  buildSecretId: /^[A-Za-z0-9_.-]+$/,
  cron: /^(\S+\s+){4}\S+$/,
} as const;

/** Ids of jobs, services and secrets must be spellable as a key on every vendor. */
const identifier = z
  .string()
  .regex(irPatterns.identifier, 'must start with a letter or _ and hold only letters, digits, _ and - (at most 63)');
/** Environment variable names, as POSIX shells accept them. */
const envName = z.string().regex(irPatterns.envName, 'must be a shell variable name: letters, digits and _, not starting with a digit');
/** A map of environment variables: name to literal value (a value may reference other variables as $NAME). */
export const EnvSchema = z.record(envName, z.string());
export type Env = z.infer<typeof EnvSchema>;

/** Vendor-only keys carried through untouched, by target: what the IR cannot say. */
export const VendorSchema = z.record(TargetIdSchema, z.record(z.string(), z.unknown())).optional();

/** allow: silent; warn: a warning diagnostic; deny: an error and no output. */
export const PolicyLevelSchema = z.enum(['allow', 'warn', 'deny']);
export type PolicyLevel = z.infer<typeof PolicyLevelSchema>;

/** What the pipeline (or one job) tolerates from its daemon strategies and images. */
export const PolicySchema = z
  .object({
    /** A privileged container (a DinD daemon, a socket proxy). */
    privileged: PolicyLevelSchema.optional(),
    /** The host's Docker socket mounted into a job: equivalent to root on the host. */
    hostSocket: PolicyLevelSchema.optional(),
    /** A Docker daemon reachable without TLS. */
    tlsOff: PolicyLevelSchema.optional(),
    /** An image without a version tag or digest, or tagged `latest`. */
    unpinnedImages: PolicyLevelSchema.optional(),
  })
  .strict();
export type Policy = z.infer<typeof PolicySchema>;

/** Resource requests/limits of a container, in Kubernetes quantities ("500m", "2Gi"). */
export const ResourcesSchema = z
  .object({ cpu: z.string().optional(), memory: z.string().optional() })
  .strict();
export type Resources = z.infer<typeof ResourcesSchema>;

/**
 * Socket-proxy API sections (the allow-list of the proxy). Anything not listed is
 * refused by the proxy; EXEC and the rest stay off unless named.
 */
export const socketProxySections = [
  'BUILD', 'IMAGES', 'CONTAINERS', 'NETWORKS', 'VOLUMES', 'INFO', 'VERSION', 'PING', 'EVENTS',
  'POST', 'EXEC', 'COMMIT', 'AUTH', 'SYSTEM', 'SERVICES', 'TASKS', 'NODES', 'SECRETS', 'CONFIGS', 'PLUGINS', 'DISTRIBUTION', 'SESSION', 'SWARM',
] as const;

const pinnedVersion = z.string().regex(irPatterns.imageTag, 'must be an image tag such as 27.3.1');

/**
 * The Docker daemon strategy of a job: how its image builds (and any `docker` commands)
 * reach a builder. DESIGN.md has the table of what each one costs in privilege.
 */
export const DockerStrategySchema = z.discriminatedUnion('strategy', [
  z
    .object({
      strategy: z.literal('dind'),
      /** Client certificates on tcp 2376 (true, the default) or plain tcp 2375. */
      tls: z.boolean().default(true),
      /** docker:<version>-dind and docker:<version> for the client. */
      version: pinnedVersion.optional(),
      /** Keep the daemon's /var/lib/docker in a volume so layers are reused between builds. */
      cacheVolume: z.boolean().default(false),
      resources: ResourcesSchema.optional(),
    })
    .strict(),
  z
    .object({
      strategy: z.literal('dind-rootless'),
      tls: z.boolean().default(true),
      version: pinnedVersion.optional(),
      cacheVolume: z.boolean().default(false),
      resources: ResourcesSchema.optional(),
    })
    .strict(),
  z
    .object({
      strategy: z.literal('socket'),
      /** Path of the host socket. */
      path: z.string().regex(irPatterns.absolutePath, 'must be an absolute path').default('/var/run/docker.sock'),
      version: pinnedVersion.optional(),
    })
    .strict(),
  z
    .object({
      strategy: z.literal('socket-proxy'),
      /** API sections the proxy lets through. */
      allow: z.array(z.enum(socketProxySections)).default(['BUILD', 'IMAGES', 'INFO', 'VERSION', 'PING', 'POST']),
      path: z.string().regex(irPatterns.absolutePath, 'must be an absolute path').default('/var/run/docker.sock'),
      version: pinnedVersion.optional(),
    })
    .strict(),
  z.object({ strategy: z.literal('kaniko'), version: pinnedVersion.optional(), resources: ResourcesSchema.optional() }).strict(),
  z.object({ strategy: z.literal('buildah'), version: pinnedVersion.optional(), resources: ResourcesSchema.optional() }).strict(),
  z.object({ strategy: z.literal('buildkit'), version: pinnedVersion.optional(), resources: ResourcesSchema.optional() }).strict(),
  /** polyci picks the safest strategy that can do what the job asks, under the policy. */
  z.object({ strategy: z.literal('auto') }).strict(),
]);
export type DockerStrategy = z.infer<typeof DockerStrategySchema>;
export type DockerStrategyInput = z.input<typeof DockerStrategySchema>;
export type StrategyName = DockerStrategy['strategy'];
/** A strategy after `auto` has been resolved. */
export type ConcreteStrategy = Exclude<DockerStrategy, { strategy: 'auto' }>;

/** Registry login for a build: the secrets that hold the credentials, never their values. */
export const RegistryLoginSchema = z
  .object({
    /** Registry host, such as ghcr.io; Docker Hub when absent. */
    server: z.string().min(1).optional(),
    usernameSecret: envName,
    passwordSecret: envName,
  })
  .strict();

/** Build an OCI image from a Dockerfile, and push it. */
export const BuildImageSchema = z
  .object({
    context: z.string().min(1).default('.'),
    dockerfile: z.string().min(1).optional(),
    /** Multi-stage target. */
    target: z.string().min(1).optional(),
    buildArgs: z.record(envName, z.string()).default({}),
    /** Image references; they may use $VARIABLES such as $POLYCI_BUILD_NUMBER. */
    tags: z.array(z.string().min(1)).min(1, 'a build needs at least one tag'),
    push: z.boolean().default(false),
    login: RegistryLoginSchema.optional(),
    cacheFrom: z.array(z.string().min(1)).default([]),
    cacheTo: z.array(z.string().min(1)).default([]),
    platforms: z.array(z.string().min(1)).default([]),
    labels: z.record(z.string().min(1), z.string()).default({}),
    /** Build secrets (`RUN --mount=type=secret,id=...`): id to the name of a pipeline secret. */
    secrets: z.record(z.string().regex(irPatterns.buildSecretId), envName).default({}),
  })
  .strict();
export type BuildImage = z.infer<typeof BuildImageSchema>;
export type BuildImageInput = z.input<typeof BuildImageSchema>;

const stepName = z.string().min(1).max(200).optional();

/** A step: one of run, checkout, buildImage, or a vendor-only step kept as such. */
export const RunStepSchema = z.object({ name: stepName, run: z.string().min(1), env: EnvSchema.optional() }).strict();
export const CheckoutStepSchema = z
  .object({ name: stepName, checkout: z.object({ depth: z.number().int().min(0).optional(), submodules: z.boolean().optional() }).strict() })
  .strict();
export const BuildImageStepSchema = z.object({ name: stepName, buildImage: BuildImageSchema }).strict();
export const VendorStepSchema = z
  .object({ name: stepName, vendor: z.object({ target: TargetIdSchema, step: z.unknown() }).strict() })
  .strict();
export const StepSchema = z.union([RunStepSchema, CheckoutStepSchema, BuildImageStepSchema, VendorStepSchema]);
export type RunStep = z.infer<typeof RunStepSchema>;
export type CheckoutStep = z.infer<typeof CheckoutStepSchema>;
export type BuildImageStep = z.infer<typeof BuildImageStepSchema>;
export type VendorStep = z.infer<typeof VendorStepSchema>;
export type Step = z.infer<typeof StepSchema>;
export type StepInput = z.input<typeof StepSchema>;

/** A service container beside the job (postgres, redis ...), reachable by its alias. */
export const ServiceSchema = z
  .object({
    alias: identifier,
    image: z.string().min(1),
    env: EnvSchema.optional(),
    command: z.array(z.string()).optional(),
    ports: z.array(z.number().int().min(1).max(65535)).optional(),
  })
  .strict();
export type Service = z.infer<typeof ServiceSchema>;

/** Where a job runs: labels (GitHub runs-on, Jenkins agent label), queue (Buildkite), tags (GitLab runner tags). */
export const RunnerSchema = z
  .object({
    labels: z.array(z.string().min(1)).optional(),
    queue: z.string().min(1).optional(),
    tags: z.array(z.string().min(1)).optional(),
    resources: ResourcesSchema.optional(),
  })
  .strict();

/** When a job runs, beyond the pipeline's triggers. */
export const ConditionsSchema = z
  .object({
    /** Only on these branches (globs allowed: release/*). */
    branches: z.array(z.string().min(1)).optional(),
    /** Only for tags (true: any tag). */
    tags: z.boolean().optional(),
    /** Only when started by hand. */
    manual: z.boolean().optional(),
  })
  .strict();
export type Conditions = z.infer<typeof ConditionsSchema>;

export const ArtifactsSchema = z
  .object({ paths: z.array(z.string().min(1)).min(1), expireIn: z.string().optional() })
  .strict();
export const CacheSchema = z.object({ key: z.string().min(1), paths: z.array(z.string().min(1)).min(1) }).strict();

/** A job: a unit that runs on one runner, after the jobs it needs. */
export const JobSchema = z
  .object({
    name: z.string().min(1).max(200).optional(),
    /** Ids of jobs that must finish first: a DAG. */
    needs: z.array(identifier).default([]),
    /** GitLab stage, when the user wants to name it; otherwise derived from the DAG. */
    stage: identifier.optional(),
    runner: RunnerSchema.optional(),
    /** The container image the steps run in. */
    image: z.string().min(1).optional(),
    env: EnvSchema.default({}),
    /** Names of secrets exposed to the job as environment variables of the same name. */
    secrets: z.array(envName).default([]),
    services: z.array(ServiceSchema).default([]),
    steps: z.array(StepSchema).min(1, 'a job needs at least one step'),
    docker: DockerStrategySchema.optional(),
    timeoutMinutes: z.number().int().min(1).max(10080).optional(),
    /** Automatic retries on failure. */
    retry: z.number().int().min(0).max(2).optional(),
    conditions: ConditionsSchema.optional(),
    artifacts: ArtifactsSchema.optional(),
    cache: CacheSchema.optional(),
    policy: PolicySchema.optional(),
    vendor: VendorSchema,
  })
  .strict();
export type Job = z.infer<typeof JobSchema>;
export type JobInput = z.input<typeof JobSchema>;

/** What starts the pipeline. */
export const TriggersSchema = z
  .object({
    push: z.object({ branches: z.array(z.string().min(1)).optional(), tags: z.array(z.string().min(1)).optional() }).strict().optional(),
    pullRequest: z.object({ branches: z.array(z.string().min(1)).optional() }).strict().optional(),
    schedule: z.array(z.object({ cron: z.string().regex(irPatterns.cron, 'must be a five-field cron expression') }).strict()).optional(),
    manual: z.boolean().optional(),
  })
  .strict();
export type Triggers = z.infer<typeof TriggersSchema>;

/** The whole pipeline. Job order is the order of keys. */
export const PipelineSchema = z
  .object({
    name: z.string().min(1).max(200),
    env: EnvSchema.default({}),
    triggers: TriggersSchema.default({ push: {} }),
    policy: PolicySchema.default({}),
    jobs: z.record(identifier, JobSchema).refine((jobs) => Object.keys(jobs).length > 0, 'a pipeline needs at least one job'),
    vendor: VendorSchema,
  })
  .strict();
export type Pipeline = z.infer<typeof PipelineSchema>;
export type PipelineInput = z.input<typeof PipelineSchema>;

/**
 * Variables every target provides to every job, spelled as environment variables
 * so that `run` steps and image tags use them the same way everywhere.
 */
export const builtinVariables = {
  /** The CI system's build/pipeline number. */
  POLYCI_BUILD_NUMBER: 'build number',
  /** The full commit SHA being built. */
  POLYCI_COMMIT_SHA: 'commit SHA',
  /** The branch being built (empty for tags). */
  POLYCI_BRANCH: 'branch name',
} as const;
export type BuiltinVariable = keyof typeof builtinVariables;
