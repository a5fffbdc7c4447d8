// Seed 001, "Complete DinD CI Pipeline Example": lint first, then build the image,
// run the tests inside it, and tag it for the registry.
import { checkout, ci, defineConfig, docker, run } from '@polyci/core';

export default defineConfig({
  name: 'complete-pipeline',
  triggers: { push: { branches: ['main', 'release/*'] }, pullRequest: { branches: ['main'] } },
  env: { APP_IMAGE: 'registry.example.com/myapp' },
  jobs: {
    lint: {
      image: 'node:22.11-alpine',
      steps: [checkout(), run('npm ci\nnpm run lint')],
      timeoutMinutes: 10,
    },
    build: {
      needs: ['lint'],
      docker: docker.dind({ cacheVolume: true }),
      secrets: ['REGISTRY_PASSWORD'],
      timeoutMinutes: 30,
      retry: 1,
      steps: [
        checkout(),
        run('docker build -t myapp:latest .', { name: 'Build' }),
        run('docker run --rm myapp:latest npm test', { name: 'Test inside the image' }),
        run(`docker tag myapp:latest "$APP_IMAGE:${ci.buildNumber}"`, { name: 'Tag' }),
      ],
    },
    release: {
      needs: ['build'],
      conditions: { branches: ['main'] },
      docker: docker.dind(),
      secrets: ['REGISTRY_PASSWORD'],
      steps: [
        run(
          'printf \'%s\' "$REGISTRY_PASSWORD" | docker login -u ci --password-stdin registry.example.com\n' +
            'docker build -t "$APP_IMAGE:latest" .\n' +
            'docker push "$APP_IMAGE:latest"',
          { name: 'Push latest' },
        ),
      ],
    },
  },
});
