// Seed 001, "Rootless DinD": the nested daemon runs as an unprivileged user,
// with TLS, and its storage kept in a volume.
import { checkout, defineConfig, docker, run } from '@polyci/core';

export default defineConfig({
  name: 'dind-rootless',
  jobs: {
    test: {
      docker: docker.dindRootless({ cacheVolume: true }),
      steps: [checkout(), run('docker build -t myapp:test .\ndocker run --rm myapp:test npm test')],
    },
  },
});
