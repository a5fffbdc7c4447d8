// Seed 000 recommends BuildKit over DinD: rootless buildkitd, run daemonless by
// buildctl, with a registry cache and a build secret.
import { buildImage, checkout, ci, defineConfig, docker, run } from '@polyci/core';

export default defineConfig({
  name: 'buildkit',
  jobs: {
    test: {
      image: 'node:22.11-alpine',
      steps: [checkout(), run('npm ci\nnpm test')],
    },
    image: {
      needs: ['test'],
      docker: docker.buildkit(),
      secrets: ['NPM_TOKEN', 'REGISTRY_USER', 'REGISTRY_PASSWORD'],
      steps: [
        checkout(),
        buildImage({
          tags: [`registry.example.com/app:${ci.buildNumber}`],
          push: true,
          cacheFrom: ['registry.example.com/app:buildcache'],
          cacheTo: ['registry.example.com/app:buildcache'],
          secrets: { npmrc: 'NPM_TOKEN' },
          login: { server: 'registry.example.com', usernameSecret: 'REGISTRY_USER', passwordSecret: 'REGISTRY_PASSWORD' },
        }),
      ],
    },
  },
});
