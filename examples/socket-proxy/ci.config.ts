// Seed 001, "Protecting Socket Binding": a socket proxy in front of the host
// socket that allows builds and image pulls, and refuses exec and commit.
import { checkout, defineConfig, docker, run } from '@polyci/core';

export default defineConfig({
  name: 'socket-proxy',
  jobs: {
    build: {
      docker: docker.socketProxy({ allow: ['BUILD', 'IMAGES', 'INFO', 'VERSION', 'PING', 'POST'] }),
      steps: [checkout(), run('docker build -t myimage .')],
    },
  },
});
