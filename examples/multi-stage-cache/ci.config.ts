// Seed 000, "Multi-stage builds with caching": a target stage, build args,
// --cache-from, and the daemon's /var/lib/docker kept in a cache volume.
import { buildImage, checkout, ci, defineConfig, docker } from '@polyci/core';

export default defineConfig({
  name: 'multi-stage-cache',
  jobs: {
    image: {
      name: 'Multi-stage build with cache',
      runner: { queue: 'kubernetes' },
      docker: docker.dind({ cacheVolume: true, resources: { cpu: '1000m', memory: '2Gi' } }),
      steps: [
        checkout(),
        buildImage({
          target: 'production',
          buildArgs: { NODE_ENV: 'production' },
          cacheFrom: ['myregistry.com/myimage:latest'],
          tags: [`myregistry.com/myimage:${ci.buildNumber}`],
        }),
      ],
    },
  },
});
