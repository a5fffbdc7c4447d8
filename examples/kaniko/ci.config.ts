// Seed 002, "Alternative 2": kaniko builds and pushes with no daemon and no privilege.
import { buildImage, checkout, ci, defineConfig, docker } from '@polyci/core';

export default defineConfig({
  name: 'kaniko',
  triggers: { push: { branches: ['main'] }, pullRequest: {} },
  jobs: {
    image: {
      docker: docker.kaniko(),
      secrets: ['REGISTRY_USER', 'REGISTRY_PASSWORD'],
      steps: [
        checkout(),
        buildImage({
          dockerfile: 'Dockerfile',
          tags: [`registry.example.com/app:${ci.buildNumber}`, 'registry.example.com/app:latest'],
          push: true,
          cacheFrom: ['registry.example.com/app/cache'],
          login: { server: 'registry.example.com', usernameSecret: 'REGISTRY_USER', passwordSecret: 'REGISTRY_PASSWORD' },
        }),
      ],
    },
  },
});
