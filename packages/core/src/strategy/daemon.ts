/**
 * How a Docker client reaches the daemon of a strategy, and how that daemon is
 * configured: the interface of Docker's own images (docker:dind, rootless dind,
 * the socket proxy), identical on every CI system.
 */
import type { ConcreteStrategy } from '../ir';
import { daemonPort, usesTls } from './facts';

/** Where docker:dind writes its TLS material (DOCKER_TLS_CERTDIR). */
export const dindCertDir = '/certs';
/** The client half of it, shared with the job. */
export const dindClientCertDir = '/certs/client';

/** The daemon's data directory, kept in a volume when `cacheVolume` is on. */
export function daemonDataDir(s: ConcreteStrategy): string | undefined {
  if (s.strategy === 'dind') return '/var/lib/docker';
  if (s.strategy === 'dind-rootless') return '/home/rootless/.local/share/docker';
  return undefined;
}

/** Environment of the daemon (or proxy) container. */
export function daemonEnv(s: ConcreteStrategy): Record<string, string> {
  if (s.strategy === 'dind' || s.strategy === 'dind-rootless') return { DOCKER_TLS_CERTDIR: usesTls(s) ? dindCertDir : '' };
  if (s.strategy === 'socket-proxy') {
    const env: Record<string, string> = {};
    // The proxy answers these three by default; an allow-list that leaves them out means it.
    for (const section of ['EVENTS', 'PING', 'VERSION'] as const) if (!s.allow.includes(section)) env[section] = '0';
    for (const section of s.allow) env[section] = '1';
    return Object.fromEntries(Object.keys(env).sort().map((k) => [k, env[k]]));
  }
  return {};
}

/** Arguments after the daemon image's entrypoint. */
export function daemonArgs(s: ConcreteStrategy): string[] {
  // Without certificates, recent dockerd refuses a TCP listener unless TLS is off explicitly.
  if ((s.strategy === 'dind' || s.strategy === 'dind-rootless') && !s.tls) return ['--tls=false'];
  return [];
}

/** Environment of the job's container so that `docker` reaches the daemon at `host`. */
export function clientEnv(s: ConcreteStrategy, host: string): Record<string, string> {
  const port = daemonPort(s);
  if (port === undefined) return {};
  if (usesTls(s)) {
    return { DOCKER_HOST: `tcp://${host}:${port}`, DOCKER_TLS_VERIFY: '1', DOCKER_CERT_PATH: dindClientCertDir };
  }
  return { DOCKER_HOST: `tcp://${host}:${port}` };
}
