/**
 * The readiness wait of a socket-proxy job probes with a call the proxy lets through:
 * `docker info` with INFO in the allow-list, `docker version` with VERSION only, and no
 * wait (a PCI030 warning instead) with neither, on every target. Every target's
 * importer takes either wait back out as polyci's own scaffolding.
 */
import { compile, daemonReadinessWait, isReadinessWait, readinessWaitFor, type ConcreteStrategy } from '@polyci/core';
import { allTargets } from '../packages/cli/src/targets';
import { validateGenerated, type Generated } from './support/validate-output';

function pipeline(allow: string[]) {
  return {
    name: 'proxy',
    jobs: {
      build: {
        docker: { strategy: 'socket-proxy', allow },
        steps: [{ run: 'echo start' }, { run: 'docker build -t app .' }],
      },
    },
  };
}

const cases: Array<[string, string[], 'info' | 'version' | undefined]> = [
  ['INFO', ['BUILD', 'INFO', 'POST'], 'info'],
  ['VERSION only', ['BUILD', 'VERSION', 'POST'], 'version'],
  ['neither', ['BUILD', 'POST'], undefined],
];

describe('readiness wait behind a socket proxy', () => {
  it('core picks the probe from the allow-list', () => {
    const proxy = (allow: string[]) => ({ strategy: 'socket-proxy', path: '/var/run/docker.sock', allow }) as unknown as ConcreteStrategy;
    expect(readinessWaitFor(proxy(['INFO', 'VERSION']))).toBe(daemonReadinessWait());
    expect(readinessWaitFor(proxy(['VERSION']))).toContain('until docker version >/dev/null');
    expect(readinessWaitFor(proxy(['BUILD']))).toBeUndefined();
    expect(readinessWaitFor({ strategy: 'dind', tls: true, cacheVolume: false } as ConcreteStrategy)).toBe(daemonReadinessWait());
    for (const seconds of [2, 60, 121]) {
      expect(isReadinessWait(daemonReadinessWait(seconds))).toBe(true);
      expect(isReadinessWait(daemonReadinessWait(seconds, 'version'))).toBe(true);
    }
    // a user's own loop that only looks alike is a step, not scaffolding
    expect(isReadinessWait(daemonReadinessWait(60).replace('-ge 30', '-ge 31'))).toBe(false);
    expect(isReadinessWait(daemonReadinessWait(60).replace('docker info', 'docker ps'))).toBe(false);
  });

  const generated: Generated[] = [];
  for (const target of allTargets) {
    describe(target.id, () => {
      it.each(cases)('allow-list with %s', (name, allow, probe) => {
        const result = compile(pipeline(allow), [target], { source: 'ci.config.ts' });
        expect(result.diagnostics.filter((d) => d.severity === 'error')).toEqual([]);
        const text = result.files.map(({ file }) => file.contents).join('\n');
        const unwaitable = result.diagnostics.filter((d) => d.code === 'PCI030' && d.path === 'jobs.build.docker.allow');
        if (probe === undefined) {
          expect(text).not.toMatch(/until docker (info|version)/);
          expect(unwaitable).toHaveLength(1);
          expect(unwaitable[0].message).toContain('allows neither INFO nor VERSION');
        } else {
          expect(text).toContain(`until docker ${probe} >/dev/null`);
          expect(text).not.toContain(`until docker ${probe === 'info' ? 'version' : 'info'} `);
          expect(unwaitable).toEqual([]);
        }
        for (const { file } of result.files) generated.push({ label: `${target.id}, ${name}`, target: target.id, file });
        if (target.import) {
          const imported = target.import(result.files.map(({ file }) => ({ path: file.path, contents: file.contents })));
          const runs = JSON.stringify(imported.pipeline?.jobs ?? imported);
          expect(runs).toContain('docker build -t app .');
          expect(runs).not.toMatch(/until docker (info|version)/);
        }
      });
    });
  }

  it('every output passes its vendor validators', async () => {
    expect(generated.length).toBeGreaterThanOrEqual(allTargets.length * cases.length);
    const results = await validateGenerated(generated);
    expect(results.filter((r) => r.findings.length > 0)).toEqual([]);
  });
});
