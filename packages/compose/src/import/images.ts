/**
 * Recognising images: Docker's own (docker:<v>-dind, -dind-rootless, -cli), the
 * socket proxy and the daemonless builders, with their version tags.
 */
import { defaultVersions } from '@polyci/core';

/** Repository and tag of an image reference (digest dropped into the tag slot). */
export function splitImage(image: string): { repository: string; tag?: string } {
  const at = image.indexOf('@');
  if (at >= 0) return { repository: image.slice(0, at), tag: image.slice(at) };
  const slash = image.lastIndexOf('/');
  const colon = image.lastIndexOf(':');
  return colon > slash ? { repository: image.slice(0, colon), tag: image.slice(colon + 1) } : { repository: image };
}

const dockerRepositories = new Set(['docker', 'library/docker', 'docker.io/docker', 'docker.io/library/docker', 'index.docker.io/library/docker']);

export type ImageRole =
  | { role: 'dind'; rootless: boolean; version?: string }
  | { role: 'docker-cli'; version?: string }
  | { role: 'proxy'; version?: string }
  | { role: 'builder'; strategy: 'kaniko' | 'buildah' | 'buildkit'; version?: string }
  | { role: 'other' };

/** The version in a tag, unless it is polyci's default (then the IR leaves it out). */
function versionOf(tag: string | undefined, fallback: string): string | undefined {
  if (tag === undefined || tag === '' || tag === 'latest' || tag === fallback || !/^[A-Za-z0-9][A-Za-z0-9._-]{0,127}$/.test(tag)) return undefined;
  return tag;
}

export function imageRole(image: string): ImageRole {
  const { repository, tag } = splitImage(image);
  if (dockerRepositories.has(repository)) {
    const t = tag ?? 'latest';
    const dind = /^(?:(.+)-)?dind(-rootless)?$/.exec(t);
    if (dind) return { role: 'dind', rootless: dind[2] !== undefined, version: versionOf(dind[1], defaultVersions.docker) };
    const cli = /^(.+?)(?:-cli)?$/.exec(t);
    return { role: 'docker-cli', version: versionOf(cli?.[1], defaultVersions.docker) };
  }
  if (/(^|\/)docker-socket-proxy$/.test(repository)) return { role: 'proxy', version: versionOf(tag, defaultVersions.socketProxy) };
  if (/(^|\/)kaniko-project\/executor$/.test(repository)) return { role: 'builder', strategy: 'kaniko', version: versionOf(tag, defaultVersions.kaniko) };
  if (/(^|\/)buildah\/(stable|buildah|upstream)$/.test(repository) || repository === 'buildah/buildah') return { role: 'builder', strategy: 'buildah', version: versionOf(tag, defaultVersions.buildah) };
  if (/(^|\/)moby\/buildkit$/.test(repository)) return { role: 'builder', strategy: 'buildkit', version: versionOf(tag, defaultVersions.buildkit) };
  return { role: 'other' };
}
