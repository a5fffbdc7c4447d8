/**
 * Kubernetes quantities (the IR's `resources`) as compose's per-service limits
 * `cpus` and `mem_limit`, which both docker-compose 1.x and Compose v2 apply
 * outside Swarm (`deploy.resources` needs `--compatibility` on 1.x).
 * https://docs.docker.com/reference/compose-file/services/#cpus
 * https://docs.docker.com/reference/compose-file/services/#mem_limit
 */
import type { Resources } from '@polyci/core';

const binary: Record<string, number> = { Ki: 1024, Mi: 1024 ** 2, Gi: 1024 ** 3, Ti: 1024 ** 4 };
const decimal: Record<string, number> = { '': 1, k: 1e3, M: 1e6, G: 1e9, T: 1e12 };

/** "500m" -> 0.5, "2" -> 2; undefined when it is not a CPU quantity. */
export function cpusOf(quantity: string): number | undefined {
  const m = /^([0-9]+(?:\.[0-9]+)?)(m?)$/.exec(quantity);
  if (!m) return undefined;
  const value = m[2] === 'm' ? Number(m[1]) / 1000 : Number(m[1]);
  return value > 0 && Number.isFinite(value) ? value : undefined;
}

/** "2Gi" -> "2g", "1G" -> "1000000000b"; undefined when it is not a memory quantity. */
export function memLimitOf(quantity: string): string | undefined {
  const m = /^([0-9]+(?:\.[0-9]+)?)(Ki|Mi|Gi|Ti|k|M|G|T|)$/.exec(quantity);
  if (!m) return undefined;
  const bytes = Math.round(Number(m[1]) * (binary[m[2]] ?? decimal[m[2]]));
  if (!(bytes > 0) || !Number.isSafeInteger(bytes)) return undefined;
  for (const [suffix, unit] of [['g', 1024 ** 3], ['m', 1024 ** 2], ['k', 1024]] as const) if (bytes % unit === 0) return `${bytes / unit}${suffix}`;
  return `${bytes}b`;
}

/** Compose `cpus` back to a Kubernetes quantity (millicores). */
export function cpuQuantityOf(cpus: unknown): string | undefined {
  const n = typeof cpus === 'number' ? cpus : typeof cpus === 'string' ? Number(cpus) : NaN;
  return n > 0 && Number.isFinite(n) ? `${Math.round(n * 1000)}m` : undefined;
}

/** Compose `mem_limit` back to a Kubernetes quantity. */
export function memoryQuantityOf(limit: unknown): string | undefined {
  if (typeof limit === 'number' && Number.isSafeInteger(limit) && limit > 0) return String(limit);
  if (typeof limit !== 'string') return undefined;
  const m = /^([0-9]+)\s*(b|k|kb|m|mb|g|gb)?$/i.exec(limit.trim());
  if (!m) return undefined;
  const unit = (m[2] ?? 'b').toLowerCase()[0];
  return unit === 'b' ? m[1] : `${m[1]}${unit.toUpperCase()}i`;
}

export interface ComposeLimits {
  cpus?: number;
  mem_limit?: string;
}

/** The limits of a resources block, and what could not be read. */
export function composeLimits(resources: Resources | undefined): { limits: ComposeLimits; unreadable: string[] } {
  const limits: ComposeLimits = {};
  const unreadable: string[] = [];
  if (resources?.cpu !== undefined) {
    const cpus = cpusOf(resources.cpu);
    if (cpus === undefined) unreadable.push(`cpu "${resources.cpu}"`);
    else limits.cpus = cpus;
  }
  if (resources?.memory !== undefined) {
    const mem = memLimitOf(resources.memory);
    if (mem === undefined) unreadable.push(`memory "${resources.memory}"`);
    else limits.mem_limit = mem;
  }
  return { limits, unreadable };
}
