// Seed 001 (Jenkins) and 003: the host's Docker socket mounted into the job.
// Equivalent to root on the host: polyci says so (PCI021) and names the safer options.
import { checkout, defineConfig, docker, run } from '@polyci/core';

export default defineConfig({
  name: 'socket',
  policy: { hostSocket: 'warn' },
  jobs: {
    build: {
      docker: docker.socket(),
      steps: [checkout(), run('docker build -t myimage .')],
    },
  },
});
