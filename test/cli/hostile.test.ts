/**
 * Hostile and broken vendor files through the CLI (migrate and lint): each gets a
 * clear diagnostic with its position and a non-zero exit; no stack trace, no
 * prototype pollution, and the batch goes on past a bad file.
 */
import { mkdtempSync, mkdirSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { runPolyci } from '../support/cli';

const run = runPolyci;

const dir = mkdtempSync(join(tmpdir(), 'polyci-hostile-'));
function file(name: string, contents: string | Buffer): string {
  const p = join(dir, name);
  mkdirSync(join(p, '..'), { recursive: true });
  writeFileSync(p, contents);
  return p;
}

const bomb = ['a: &a ["x","x","x","x","x","x","x","x","x"]', ...'bcdefghi'.split('').map((k, i) => `${k}: &${k} [${Array(9).fill(`*${'abcdefghi'[i]}`).join(',')}]`)].join('\n');

const cases: [string, string, string | Buffer, RegExp][] = [
  ['an alias bomb', 'bomb/.gitlab-ci.yml', bomb, /PCI050.*alias/],
  ['very deep nesting', 'deep/.gitlab-ci.yml', `job: ${'['.repeat(5000)}${']'.repeat(5000)}\n`, /PCI050.*nesting deeper/],
  ['a file over the size limit', 'big/.gitlab-ci.yml', `a: "${'x'.repeat(5 * 1024 * 1024)}"\n`, /PCI050.*over the \d+-byte limit/],
  ['a __proto__ key', 'proto/.gitlab-ci.yml', 'build:\n  script: [echo]\n  __proto__:\n    polluted: true\n', /:3:3: error PCI050: key "__proto__"/],
  ['a constructor key', 'ctor/.github/workflows/ci.yml', 'on: push\njobs:\n  constructor:\n    runs-on: ubuntu-latest\n', /:3:3: error PCI050: key "constructor"/],
  ['non-UTF-8 bytes', 'latin1/.gitlab-ci.yml', Buffer.from([0x61, 0x3a, 0x20, 0xe9, 0x0a]), /:1:4: error PCI050: .*not valid UTF-8/],
  ['binary garbage', 'bin/.gitlab-ci.yml', Buffer.from([0x00, 0x01, 0x02, 0xff, 0xfe, 0x00]), /PCI050/],
  ['duplicate keys', 'dup/.gitlab-ci.yml', 'build:\n  script: [a]\nbuild:\n  script: [b]\n', /:3:1: error PCI050: duplicate key/],
  ['bad YAML', 'bad/.gitlab-ci.yml', 'build:\n  script: [a\n  b: }\n', /error PCI040: YAML syntax/],
];

describe.each(['migrate', 'lint'])('polyci %s on hostile input', (command) => {
  it.each(cases)('%s: a diagnostic at its position, exit 1, no stack trace', (_, name, contents, expected) => {
    const path = file(`${command}/${name}`, contents);
    const args = command === 'migrate' ? ['migrate', path, '--to', 'github', '--out', join(dir, 'out')] : ['lint', path];
    const r = run(args);
    expect(r.code).toBe(1);
    expect(r.all).toMatch(expected);
    expect(r.all).not.toMatch(/\n\s+at .+:\d+:\d+\)?\n/);
    expect(({} as Record<string, unknown>).polluted).toBeUndefined();
  });
});

it('one bad file does not stop a migrate batch', () => {
  const bad = file('batch/bad/.gitlab-ci.yml', bomb);
  const good = file('batch/good/.gitlab-ci.yml', 'build:\n  image: alpine:3.20\n  script:\n    - echo hi\n');
  const r = run(['migrate', bad, good, '--to', 'github', '--out', join(dir, 'batch-out'), '--report', 'json']);
  expect(r.code).toBe(1);
  const report = JSON.parse(r.out) as { files: { file: string; status: string }[] };
  expect(report.files.map((f) => f.status)).toEqual(['manual', expect.stringMatching(/converted|partly/)]);
});
