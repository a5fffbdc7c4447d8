import { join, resolve } from 'node:path';
import { runPolyci } from '../support/cli';

const examples = resolve(__dirname, '../../examples');

const run = runPolyci;

describe('polyci explain', () => {
  it('tells, per job, the strategy, privilege, host-root equivalence and the safer alternative (json)', () => {
    const r = run(['explain', join(examples, 'socket/ci.config.ts'), '--format', 'json']);
    expect(r.code).toBe(0);
    const report = JSON.parse(r.out);
    expect(report.jobs).toEqual([
      expect.objectContaining({ job: 'build', strategy: 'socket', privileged: 'no', hostRootEquivalent: 'yes', canRunContainers: true, saferAlternative: expect.stringMatching(/socket-proxy/) }),
    ]);
    expect(report.diagrams.map((d: { target: string }) => d.target)).toEqual(['gitlab', 'github', 'buildkite', 'jenkins', 'compose']);
    expect(report.diagrams[0].mermaid).toMatch(/^flowchart TB/);
    expect(report.diagrams[0].mermaid).toContain('socket mount = host root');
  });

  it('shows TLS, privilege and the daemon as a diagram for DinD (markdown)', () => {
    const r = run(['explain', join(examples, 'dind-basic/ci.config.ts'), '--format', 'md']);
    expect(r.code).toBe(0);
    expect(r.out).toContain('| build | dind (TLS) | yes | no | yes | tcp 2376 with TLS client certificates |');
    expect(r.out).toMatch(/```mermaid\nflowchart TB/);
    expect(r.out).toContain('(privileged)');
    expect(r.out).toContain('tcp 2376 + TLS');
  });

  it('says daemonless builders need no privilege (text)', () => {
    const r = run(['explain', join(examples, 'kaniko/ci.config.ts')]);
    expect(r.code).toBe(0);
    expect(r.out).toMatch(/image: kaniko\n\s+privileged\s+no\n\s+host root\s+no/);
  });

  it('explains a vendor file too, by importing it', () => {
    const r = run(['explain', join(examples, 'dind-no-tls/.gitlab-ci.yml'), '--format', 'json']);
    expect(r.code).toBe(0);
    expect(JSON.parse(r.out).jobs).toEqual([expect.objectContaining({ job: 'build', strategy: 'dind (no TLS)', privileged: 'yes', transport: 'tcp 2375 without TLS' })]);
  });

  it('fails with the config error for a bad file', () => {
    const r = run(['explain', '/nonexistent.ts']);
    expect(r.code).toBe(1);
    expect(r.err).toMatch(/no such file/);
  });
});
