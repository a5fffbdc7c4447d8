/**
 * Kubernetes resource quantities as `docker run` flags, for the containers the
 * docker agent and docker-workflow start. Only exact conversions are written; any
 * other quantity is reported instead of guessed.
 * https://kubernetes.io/docs/reference/kubernetes-api/common-definitions/quantity/
 * https://docs.docker.com/engine/containers/resource_constraints/
 */
import type { Resources } from '@polyci/core';

const binarySuffix: Record<string, string> = { Ki: 'k', Mi: 'm', Gi: 'g', Ti: 't' };
const decimalPower: Record<string, bigint> = { k: 3n, M: 6n, G: 9n, T: 12n };

function cpus(q: string): string | undefined {
  if (/^\d+(\.\d+)?$/.test(q)) return q;
  const milli = /^(\d+)m$/.exec(q);
  if (!milli) return undefined;
  const n = Number(milli[1]);
  return String(n / 1000);
}

function memory(q: string): string | undefined {
  const m = /^(\d+)(Ki|Mi|Gi|Ti|k|M|G|T)?$/.exec(q);
  if (!m) return undefined;
  if (!m[2]) return m[1];
  if (m[2] in binarySuffix) return `${m[1]}${binarySuffix[m[2]]}`;
  return String(BigInt(m[1]) * 10n ** decimalPower[m[2]]);
}

/** `--cpus` and `--memory` for a container, and the quantities that have no exact docker spelling. */
export function dockerResourceFlags(r: Resources | undefined): { flags: string[]; unconverted: string[] } {
  const flags: string[] = [];
  const unconverted: string[] = [];
  if (r?.cpu !== undefined) {
    const c = cpus(r.cpu);
    if (c !== undefined && Number(c) > 0) flags.push(`--cpus=${c}`);
    else unconverted.push(`cpu "${r.cpu}"`);
  }
  if (r?.memory !== undefined) {
    const m = memory(r.memory);
    if (m !== undefined && m !== '0') flags.push(`--memory=${m}`);
    else unconverted.push(`memory "${r.memory}"`);
  }
  return { flags, unconverted };
}
