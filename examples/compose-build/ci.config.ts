// Seed 000, "Running Docker Compose": docker compose builds the services of a
// compose file against the job's daemon.
import { checkout, defineConfig, docker, run } from '@polyci/core';

export default defineConfig({
  name: 'compose-build',
  jobs: {
    compose: {
      name: 'Docker Compose build',
      runner: { queue: 'kubernetes' },
      docker: docker.dind(),
      steps: [checkout(), run('docker compose -f docker-compose.yml build')],
    },
  },
});
