import { execFileSync } from 'node:child_process';
import fc from 'fast-check';
import { callsDocker, runsContainers, shellQuote, shellWord } from './shell';

/** What sh prints for `printf %s WORD` with the given environment. */
function shEcho(word: string, env: Record<string, string> = {}): string {
  return execFileSync('sh', ['-c', `printf %s ${word}`], { env: { PATH: process.env.PATH, ...env }, encoding: 'utf8' });
}

describe('shell quoting', () => {
  it('shellQuote gives back any string literally through sh (property)', () => {
    const samples = fc.sample(fc.fullUnicodeString({ maxLength: 20 }).filter((s) => !s.includes('\0')), 150);
    const script = samples.map((s) => `printf '%s\\0' ${shellQuote(s)}`).join('\n');
    const out = execFileSync('sh', ['-c', script], { encoding: 'utf8' }).split('\0').slice(0, -1);
    expect(out).toEqual(samples);
  });

  it('shellWord expands $NAME and ${NAME} and nothing else', () => {
    expect(shEcho(shellWord('reg/app:${TAG}-$N'), { TAG: 'v1', N: '7' })).toBe('reg/app:v1-7');
    expect(shEcho(shellWord('$(touch /tmp/pwned)`id`;echo x'), {})).toBe('$(touch /tmp/pwned)`id`;echo x');
    expect(shEcho(shellWord("it's \"q\" $"), {})).toBe("it's \"q\" $");
  });

  it('detects docker CLI calls and container runs', () => {
    expect(callsDocker('npm test')).toBe(false);
    expect(callsDocker('set -e\ndocker build .')).toBe(true);
    expect(callsDocker('echo dockerfile')).toBe(false);
    expect(callsDocker('docker-compose up')).toBe(true);
    expect(runsContainers('docker build -t x .')).toBe(false);
    expect(runsContainers('docker run --rm x npm test')).toBe(true);
    expect(runsContainers('docker compose up -d')).toBe(true);
  });
});
