/** Which files the GitLab target claims. */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { detectGitlab } from '@polyci/gitlab';

const fixture = (name: string) => readFileSync(join(__dirname, '../fixtures/gitlab', name, 'input.yml'), 'utf8');

it('claims .gitlab-ci.yml whatever it holds, and GitLab-shaped YAML under other names', () => {
  expect(detectGitlab('.gitlab-ci.yml', '')).toBe(true);
  expect(detectGitlab('sub/.gitlab-ci.yaml', '')).toBe(true);
  expect(detectGitlab('ci/templates.yml', fixture('kaniko-extends'))).toBe(true);
  expect(detectGitlab('ci/build.yml', 'build:\n  image: alpine\n  script:\n    - make\n')).toBe(true);
});

it('leaves GitHub, Buildkite, compose and non-YAML files alone', () => {
  expect(detectGitlab('.github/workflows/ci.yml', 'on: push\njobs:\n  build:\n    runs-on: ubuntu-latest\n    steps:\n      - run: make\n')).toBe(false);
  expect(detectGitlab('.buildkite/pipeline.yml', 'steps:\n  - label: build\n    command: make\n')).toBe(false);
  expect(detectGitlab('compose.yaml', 'services:\n  app:\n    image: alpine\n')).toBe(false);
  expect(detectGitlab('Jenkinsfile', 'pipeline { stages { stage("x") { steps { sh "make" } } } }')).toBe(false);
});
