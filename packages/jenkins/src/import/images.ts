/**
 * What an image reference says about the Docker daemon strategy: the daemon, proxy and
 * builder images of each strategy, and the version polyci pins them by. The same image
 * names core's `strategyImages` writes, read the other way, plus the spellings people
 * use by hand (docker:dind, docker:24-dind, moby/buildkit:latest).
 */
import { defaultVersions } from '@polyci/core';

export type ImageRole = 'dind' | 'dind-rootless' | 'socket-proxy' | 'kaniko' | 'buildah' | 'buildkit' | 'docker-cli' | 'jnlp' | 'other';

export interface ImageFacts {
  role: ImageRole;
  /** The strategy's `version`, when the tag names one other than polyci's default. */
  version?: string;
  /** The tag names no version (none, or `latest`). */
  unpinned: boolean;
}

const pinnedVersion = /^[A-Za-z0-9][A-Za-z0-9._-]{0,127}$/;

function split(image: string): { repo: string; tag?: string } {
  const noDigest = image.split('@')[0];
  const slash = noDigest.lastIndexOf('/');
  const colon = noDigest.lastIndexOf(':');
  if (colon > slash) return { repo: noDigest.slice(0, colon), tag: noDigest.slice(colon + 1) };
  return { repo: noDigest };
}

function isDockerRepo(repo: string): boolean {
  return repo === 'docker' || repo === 'library/docker' || repo === 'docker.io/library/docker' || repo === 'docker.io/docker' || repo === 'index.docker.io/library/docker';
}

function versionOf(tag: string | undefined, fallback: string): string | undefined {
  if (tag === undefined || tag === '' || tag === fallback || !pinnedVersion.test(tag)) return undefined;
  return tag;
}

/** The role and version an image plays in a strategy. */
export function imageFacts(image: string): ImageFacts {
  const { repo, tag } = split(image);
  const unpinned = !image.includes('@') && (tag === undefined || tag === 'latest' || tag === '');
  if (isDockerRepo(repo)) {
    const t = tag ?? 'latest';
    const rootless = /^(?:(.+)-)?dind-rootless$/.exec(t);
    if (rootless) return { role: 'dind-rootless', version: versionOf(rootless[1], defaultVersions.docker), unpinned: rootless[1] === undefined };
    const dind = /^(?:(.+)-)?dind$/.exec(t);
    if (dind) return { role: 'dind', version: versionOf(dind[1], defaultVersions.docker), unpinned: dind[1] === undefined };
    const cli = /^(.+?)(?:-cli)?$/.exec(t);
    return { role: 'docker-cli', version: t === 'latest' || t === 'cli' ? undefined : versionOf(cli?.[1], defaultVersions.docker), unpinned };
  }
  if (/(^|\/)docker-socket-proxy$/.test(repo)) return { role: 'socket-proxy', version: versionOf(tag, defaultVersions.socketProxy), unpinned };
  if (/kaniko-project\/executor$|(^|\/)kaniko(-executor)?$/.test(repo)) return { role: 'kaniko', version: versionOf(tag, defaultVersions.kaniko), unpinned };
  if (/(^|\/)buildah\/(stable|buildah|upstream)$|(^|\/)buildah$/.test(repo)) return { role: 'buildah', version: versionOf(tag, defaultVersions.buildah), unpinned };
  if (/(^|\/)moby\/buildkit$|(^|\/)buildkit$/.test(repo)) return { role: 'buildkit', version: versionOf(tag, defaultVersions.buildkit), unpinned };
  if (/(^|\/)(jenkins\/)?(inbound-agent|jnlp-slave|agent)$/.test(repo)) return { role: 'jnlp', unpinned };
  return { role: 'other', unpinned };
}
