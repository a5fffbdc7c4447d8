// Seed 000, "Building and pushing images": build and push, tagged with the
// build number, logging in with secrets by name.
import { buildImage, checkout, ci, defineConfig, docker } from '@polyci/core';

export default defineConfig({
  name: 'build-push',
  triggers: { push: { branches: ['main'] } },
  jobs: {
    image: {
      name: 'Build and push to registry',
      runner: { queue: 'kubernetes' },
      docker: docker.dind(),
      secrets: ['REGISTRY_USER', 'REGISTRY_PASSWORD'],
      steps: [
        checkout(),
        buildImage({
          tags: [`myregistry.com/myimage:${ci.buildNumber}`],
          push: true,
          login: { server: 'myregistry.com', usernameSecret: 'REGISTRY_USER', passwordSecret: 'REGISTRY_PASSWORD' },
        }),
      ],
    },
  },
});
