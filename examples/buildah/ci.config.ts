// Seed 002: buildah builds OCI images without a daemon (vfs storage, chroot isolation).
import { buildImage, checkout, ci, defineConfig, docker } from '@polyci/core';

export default defineConfig({
  name: 'buildah',
  jobs: {
    image: {
      docker: docker.buildah(),
      secrets: ['REGISTRY_USER', 'REGISTRY_PASSWORD'],
      steps: [
        checkout(),
        buildImage({
          tags: [`registry.example.com/app:${ci.commitSha}`],
          labels: { 'org.opencontainers.image.revision': ci.commitSha },
          push: true,
          login: { server: 'registry.example.com', usernameSecret: 'REGISTRY_USER', passwordSecret: 'REGISTRY_PASSWORD' },
        }),
      ],
    },
  },
});
