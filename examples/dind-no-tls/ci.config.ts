// Seed 000 (Buildkite) and 003 (Jenkins) switch TLS off: DOCKER_TLS_CERTDIR="" and
// tcp 2375. polyci can say it, and warns (PCI022) with the safer default.
import { checkout, defineConfig, docker, run } from '@polyci/core';

export default defineConfig({
  name: 'dind-no-tls',
  policy: { tlsOff: 'warn' },
  jobs: {
    build: {
      runner: { queue: 'kubetest' },
      docker: docker.dind({ tls: false }),
      steps: [checkout(), run('docker build ./dind -t sometag/bar')],
    },
  },
});
