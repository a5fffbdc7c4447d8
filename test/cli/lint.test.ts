/** polyci lint: foreign configs in, polyci's findings out at file:line, as text, JSON or SARIF. */
import { mkdtempSync, mkdirSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { runPolyci } from '../support/cli';

const run = runPolyci;

const dir = mkdtempSync(join(tmpdir(), 'polyci-lint-'));
mkdirSync(join(dir, '.github/workflows'), { recursive: true });
const gitlab = join(dir, '.gitlab-ci.yml');
writeFileSync(
  gitlab,
  `build:
  image: docker:latest
  services:
    - name: docker:dind
      alias: docker
  variables:
    DOCKER_HOST: tcp://docker:2375
    DOCKER_TLS_CERTDIR: ""
    REGISTRY_PASSWORD: hunter2
  script:
    - docker build -t app .
`,
);
const github = join(dir, '.github/workflows/ci.yml');
writeFileSync(
  github,
  `on: push
jobs:
  build:
    runs-on: ubuntu-latest
    container:
      image: docker:27.3.1-cli
      volumes:
        - /var/run/docker.sock:/var/run/docker.sock
    steps:
      - run: docker build -t app .
`,
);

describe('polyci lint', () => {
  it('reports TLS off, privilege, unpinned images and a literal secret, at file:line, without the secret', () => {
    const r = run(['lint', gitlab]);
    expect(r.code).toBe(1);
    expect(r.out).toMatch(/\.gitlab-ci\.yml:\d+(:\d+)?: warning PCI022/);
    expect(r.out).toMatch(/\.gitlab-ci\.yml:\d+(:\d+)?: warning PCI020/);
    expect(r.out).toMatch(/\.gitlab-ci\.yml:\d+(:\d+)?: warning PCI023/);
    expect(r.out).toMatch(/\.gitlab-ci\.yml:9(:\d+)?: warning PCI044/);
    expect(r.out).not.toContain('hunter2');
  });

  it('reports a host socket in a GitHub workflow', () => {
    const r = run(['lint', github, '--format', 'json']);
    expect(r.code).toBe(1);
    const findings = JSON.parse(r.out) as { code: string; file: string; line?: number }[];
    expect(findings).toContainEqual(expect.objectContaining({ code: 'PCI021', file: expect.stringContaining('ci.yml') }));
  });

  it('writes SARIF 2.1.0 for code scanning', () => {
    const r = run(['lint', gitlab, github, '--format', 'sarif']);
    const sarif = JSON.parse(r.out);
    expect(sarif.version).toBe('2.1.0');
    const results = sarif.runs[0].results as { ruleId: string; level: string; locations: { physicalLocation: { artifactLocation: { uri: string }; region?: { startLine: number } } }[] }[];
    expect(results.some((x) => x.ruleId === 'PCI021' && x.locations[0].physicalLocation.artifactLocation.uri.endsWith('ci.yml'))).toBe(true);
    expect(results.filter((x) => x.locations[0]?.physicalLocation.region?.startLine).length).toBeGreaterThan(0);
    expect(sarif.runs[0].tool.driver.rules.map((x: { id: string }) => x.id)).toContain('PCI022');
  });
});
