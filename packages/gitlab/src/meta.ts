/**
 * What the IR says that a .gitlab-ci.yml has no key for (job display names, the
 * secrets a job reads, schedule crons, policies, runner labels, the host socket
 * and daemon cache volume a runner must mount), kept in one
 * comment line after the header so that importing polyci's own output gives the IR
 * back. GitLab ignores comments; the importer reads this line only when present.
 */
import type { Policy } from '@polyci/core';

export const metaPrefix = '# polyci-meta: ';

export interface GitlabMeta {
  /** Job key in the file, when it differs from the IR id (ids that are GitLab keywords). */
  keys?: Record<string, string>;
  jobs?: Record<string, { name?: string; secrets?: string[]; labels?: string[]; queue?: string; policy?: Policy; stage?: string; socket?: string; cacheVolume?: boolean }>;
  schedules?: string[];
  policy?: Policy;
}

/** JSON that stays on one comment line under YAML 1.1 and 1.2 (no NEL, LS, PS, controls). */
export function metaLine(meta: GitlabMeta): string {
  const json = JSON.stringify(meta).replace(/[\u007f-\uffff]/g, (c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`);
  return `${metaPrefix}${json}\n`;
}

/** The meta comment of a file polyci wrote, if any. */
export function readMeta(text: string): GitlabMeta | undefined {
  for (const line of text.split(/\r?\n/)) {
    if (!line.startsWith(metaPrefix)) continue;
    try {
      const value: unknown = JSON.parse(line.slice(metaPrefix.length));
      return value && typeof value === 'object' && !Array.isArray(value) ? (value as GitlabMeta) : undefined;
    } catch {
      return undefined;
    }
  }
  return undefined;
}
