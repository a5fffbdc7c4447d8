// Inputs for the peers, doing the same work as polyci: each peer is given, in its
// own API, the very document polyci emitted for the same pipeline (parsed back
// from polyci's output), so both sides produce the same workflow / pipeline.
// When polyci's emitter for that vendor is not available, a hand-written
// equivalent of the synthetic jobs is used instead (and the table says so).
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { jobId, needsOf } from './synth.mjs';

const lit = (v) => JSON.stringify(v, null, 2);

/** A github-actions-workflow-ts project: <dir>/pipeline.wac.ts and a tsconfig, built with `gwf build`. */
export function writeGwfProject(dir, workflow, filename = 'ci') {
  mkdirSync(dir, { recursive: true });
  const { jobs = {}, ...props } = workflow;
  const parts = [
    "import { NormalJob, Step, Workflow } from 'github-actions-workflow-ts';\n\n",
  ];
  const names = [];
  Object.entries(jobs).forEach(([id, job], i) => {
    const { steps = [], ...jobProps } = job;
    const v = `job${i}`;
    names.push(v);
    // gwf 0.3.1's schema types say runs-on is a string or a 1-tuple; GitHub takes any label list.
    let props = lit(jobProps);
    if (Array.isArray(jobProps['runs-on']) && jobProps['runs-on'].length > 1) {
      props = lit({ ...jobProps, 'runs-on': '\u0000runs-on' }).replace('"\\u0000runs-on"', `${JSON.stringify(jobProps['runs-on'])} as any`);
    }
    parts.push(`const ${v} = new NormalJob(${JSON.stringify(id)}, ${props}).addSteps([\n${steps.map((s) => `  new Step(${lit(s)}),\n`).join('')}]);\n\n`);
  });
  parts.push(`export const workflow = new Workflow(${JSON.stringify(filename)}, ${lit(props)}).addJobs([${names.join(', ')}]);\n`);
  writeFileSync(join(dir, 'pipeline.wac.ts'), parts.join(''));
  writeFileSync(
    join(dir, 'tsconfig.json'),
    lit({ compilerOptions: { target: 'ES2020', module: 'commonjs', moduleResolution: 'node', strict: true, esModuleInterop: true, skipLibCheck: true } }),
  );
  writeFileSync(join(dir, 'wac.config.json'), lit({ refs: false }));
  mkdirSync(join(dir, '.github', 'workflows'), { recursive: true });
}

/** A @buildkite/buildkite-sdk program: <dir>/pipeline.js, run with node, writing pipeline.yml. */
export function writeBuildkiteProgram(dir, pipeline) {
  mkdirSync(dir, { recursive: true });
  const parts = [
    "const { writeFileSync } = require('node:fs');\n",
    "const { Pipeline } = require('@buildkite/buildkite-sdk');\n\n",
    'const pipeline = new Pipeline();\n',
  ];
  for (const [k, v] of Object.entries(pipeline.agents ?? {})) parts.push(`pipeline.addAgent(${JSON.stringify(k)}, ${JSON.stringify(v)});\n`);
  for (const [k, v] of Object.entries(pipeline.env ?? {})) parts.push(`pipeline.addEnvironmentVariable(${JSON.stringify(k)}, ${JSON.stringify(v)});\n`);
  for (const step of pipeline.steps ?? []) parts.push(`pipeline.addStep(${lit(step)});\n`);
  parts.push("writeFileSync('pipeline.yml', pipeline.toYAML());\n");
  writeFileSync(join(dir, 'pipeline.js'), parts.join(''));
}

// ---- hand-written equivalents of the synthetic jobs, used only without polyci's emitter

export function fallbackWorkflow(n) {
  const jobs = {};
  for (let i = 0; i < n; i++) {
    const name = `service-${i}`;
    jobs[jobId(i)] = {
      name,
      'runs-on': ['linux', 'x64'],
      needs: needsOf(i),
      container: { image: 'node:22.11-alpine' },
      services: {
        postgres: { image: 'postgres:16.4', env: { POSTGRES_PASSWORD: 'test', POSTGRES_USER: 'test' }, ports: ['5432'] },
        redis: { image: 'redis:7.4.1' },
      },
      env: { SERVICE: name, NODE_ENV: 'test', REGISTRY_USER: '${{ secrets.REGISTRY_USER }}', REGISTRY_PASSWORD: '${{ secrets.REGISTRY_PASSWORD }}' },
      'timeout-minutes': 20 + (i % 40),
      steps: [
        { uses: 'actions/checkout@v4', with: { 'fetch-depth': 1 } },
        { name: 'Install', run: `npm ci --prefix services/${name}` },
        { name: 'Lint and test', run: `npm run lint --prefix services/${name}\nnpm test --prefix services/${name} -- --ci`, env: { CI: 'true' } },
        { name: 'Build', run: `npm run build --prefix services/${name}` },
        { uses: 'docker/login-action@v3', with: { registry: 'registry.example.com', username: '${{ secrets.REGISTRY_USER }}', password: '${{ secrets.REGISTRY_PASSWORD }}' } },
        { name: 'Image', uses: 'docker/build-push-action@v6', with: { context: `services/${name}`, push: true, tags: `registry.example.com/monorepo/${name}:\${{ github.run_number }}` } },
      ],
    };
  }
  return { name: `synthetic-${n}`, on: { push: { branches: ['main'] } }, jobs };
}

export function fallbackBuildkite(n) {
  const steps = [];
  for (let i = 0; i < n; i++) {
    const name = `service-${i}`;
    steps.push({
      label: name,
      key: jobId(i),
      depends_on: needsOf(i),
      agents: { queue: 'builders' },
      env: { SERVICE: name, NODE_ENV: 'test' },
      timeout_in_minutes: 20 + (i % 40),
      commands: [`npm ci --prefix services/${name}`, `npm test --prefix services/${name}`, `npm run build --prefix services/${name}`],
      plugins: [
        {
          kubernetes: {
            podSpec: {
              containers: [{ image: 'node:22.11-alpine' }],
            },
            sidecars: [
              { image: 'postgres:16.4', env: [{ name: 'POSTGRES_PASSWORD', value: 'test' }] },
              { image: 'redis:7.4.1' },
            ],
          },
        },
      ],
    });
  }
  return { env: { REGISTRY: 'registry.example.com' }, steps };
}
