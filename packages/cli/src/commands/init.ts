/** `polyci init`: a starting ci.config.ts, never over an existing one. */
import { existsSync } from 'node:fs';
import { writeAtomic } from '../output';

export const starterConfig = `import { buildImage, checkout, ci, defineConfig, docker, run } from '@polyci/core';

export default defineConfig({
  name: 'ci',
  triggers: { push: { branches: ['main'] }, pullRequest: {} },
  jobs: {
    test: {
      image: 'node:22.11-alpine',
      steps: [checkout(), run('npm ci\\nnpm test')],
    },
    image: {
      needs: ['test'],
      // Daemonless: no privileged container, no host socket.
      docker: docker.kaniko(),
      secrets: ['REGISTRY_USER', 'REGISTRY_PASSWORD'],
      steps: [
        checkout(),
        buildImage({
          tags: [\`registry.example.com/app:\${ci.buildNumber}\`],
          push: true,
          login: { server: 'registry.example.com', usernameSecret: 'REGISTRY_USER', passwordSecret: 'REGISTRY_PASSWORD' },
        }),
      ],
    },
  },
});
`;

export function init(path: string, force: boolean): string | undefined {
  if (existsSync(path) && !force) return `${path} exists; pass --force to replace it`;
  writeAtomic(path, starterConfig);
  return undefined;
}
