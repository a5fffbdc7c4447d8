// Seed 001, "GitLab CI with DinD" / "GitHub Actions with DinD": a plain image
// build against a nested Docker daemon, with TLS on (the default).
import { checkout, defineConfig, docker, run } from '@polyci/core';

export default defineConfig({
  name: 'dind-basic',
  triggers: { push: { branches: ['main'] }, pullRequest: {} },
  jobs: {
    build: {
      docker: docker.dind(),
      steps: [checkout(), run('docker build -t myimage .')],
    },
  },
});
