/**
 * How polyci names what it adds to a compose project. Job ids never contain `.`,
 * so `<job>.<role>` can never collide with another job's runner service, and
 * every job gets its own network, so aliases (`docker`, `postgres`) of two jobs
 * never meet.
 */

/** Where the repository is bind-mounted in a runner (the checkout). */
export const workspaceDir = '/workspace';
/** Source of the workspace bind mount: the directory of the compose file (the repository root). */
export const workspaceSource = '.';

/**
 * Network alias of the daemon (or proxy) on the job's network. docker:dind puts
 * `docker` (and `localhost`, its hostname) in its server certificate, so a client
 * that verifies TLS must reach it by that name, not by the service's.
 */
export const daemonAlias = 'docker';

/** The service that runs a job's steps: the job id itself, so `docker compose up <job>` reads naturally. */
export function runnerService(jobId: string): string {
  return jobId;
}

/** The DinD daemon of a job. */
export function dindService(jobId: string): string {
  return `${jobId}.dind`;
}

/** The socket proxy of a job. */
export function proxyService(jobId: string): string {
  return `${jobId}.proxy`;
}

/** A service container (postgres ...) of a job. */
export function sidecarService(jobId: string, alias: string): string {
  return `${jobId}.${alias}`;
}

/**
 * An empty object for keys that are job or service names. V8 gives an object a hidden
 * class per sequence of key names it was built with, so keys that differ in every job
 * make new classes for every job (and one shared class's list of transitions grows with
 * each job), which costs more than the rest of building the object. Deleting a key
 * other than the last one added switches an object to a hash table instead: this is
 * an ordinary {} (same prototype, same key order), only built faster.
 */
export function byName<T>(): Record<string, T> {
  const o: Record<string, T | undefined> = { a: undefined, b: undefined };
  delete o.a;
  delete o.b;
  return o as Record<string, T>;
}

/** `{ [name]: value }`, as byName builds it. */
export function oneByName<T>(name: string, value: T): Record<string, T> {
  // An assignment to __proto__ would set the prototype; the literal makes it a key.
  if (name === '__proto__') return { [name]: value };
  const o = byName<T>();
  o[name] = value;
  return o;
}

/** The private network of a job. */
export function jobNetwork(jobId: string): string {
  return jobId;
}

/** Named volumes of a job's daemon: no suffix is a suffix of another, so `<job><suffix>` never collides. */
export const volumeSuffixes = {
  certsCa: '-certs-ca',
  certsClient: '-certs-client',
  daemonData: '-docker-data',
} as const;

export function jobVolume(jobId: string, kind: keyof typeof volumeSuffixes): string {
  return `${jobId}${volumeSuffixes[kind]}`;
}

/** Label that carries a job's display name on its runner container. */
export const jobNameLabel = 'polyci.name';
/** Top-level extension field with what the IR says about the pipeline itself. */
export const pipelineExtension = 'x-polyci';
/** Profile of manual jobs (and of jobs that need them): started only with `--profile manual`. */
export const manualProfile = 'manual';

/** Under job.vendor.compose: keys for the job's daemon (or proxy) service. */
export const daemonVendorKey = 'x-polyci-daemon';
/** Under job.vendor.compose: keys for the job's service containers, by alias. */
export const servicesVendorKey = 'x-polyci-services';
