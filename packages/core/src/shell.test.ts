import { execFileSync } from 'node:child_process';
import fc from 'fast-check';
import { callsDocker, runsContainers, shellQuote, shellTokens, shellWord, shellWords } from './shell';

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

/** shellWord writes $NAME as "${NAME}": the spelling a word reads back with. */
const braced = (word: string) => word.replace(/\$(?:\{([A-Za-z_][A-Za-z0-9_]*)\}|([A-Za-z_][A-Za-z0-9_]*))/g, (_, a, b) => `\${${a ?? b}}`);

const fragments = ["'", '"', '\\', '`', '$', '${', '}', '{', '$(id)', '$1', '$$', '${HOME}', '$HOME', '$A_1b', '${X}y', ' ', '\t', '\n', '\r\n', '#', '~', '*', '?', '[', ']', '|', '>', ';', '&', '=', ',', '@', 'é', '😀', '\u2028', '\u00a0', '', 'a', 'x y'];
const wordArb = fc.oneof(
  fc.array(fc.oneof(fc.constantFrom(...fragments), fc.fullUnicodeString({ maxLength: 4 })), { maxLength: 6 }).map((p) => p.join('')),
  fc.fullUnicodeString({ maxLength: 12 }),
);

describe('shellWords: the inverse of shellWord and shellQuote', () => {
  it('reads back every word shellWord and shellQuote write (property)', () => {
    fc.assert(
      fc.property(fc.array(wordArb, { maxLength: 8 }), (words) => {
        expect(shellWords(words.map(shellQuote).join(' '))).toEqual(words);
        expect(shellWords(words.map(shellWord).join(' '))).toEqual(words.map(braced));
        expect(shellWords(words.map(shellWord).join(' '), { references: 'braced' })).toEqual(words.map(braced));
        expect(shellTokens(words.map(shellWord).join('\t'), { operators: '|>' })).toEqual(words.map((w) => ({ text: braced(w) })));
      }),
      { numRuns: 400 },
    );
  });

  it.each([
    ['a  b\tc', ['a', 'b', 'c']],
    ['', []],
    ['   ', []],
    ["''", ['']],
    [`"" ''"" a''`, ['', '', 'a']],
    [`a 'b c' "\${X}"d`, ['a', 'b c', '${X}d']],
    [`'it'\\''s'`, ["it's"]],
    [`"a\\"b\\\\c\\$d\\\`e\\nf"`, ['a"b\\c$d`e\\nf']],
    ['a\\ b \\"c \\$HOME \\*', ['a b', '"c', '$HOME', '*']],
    ['"a\\\nb" c\\\nd', ['ab', 'cd']],
    ["'a\nb' \"c\nd\"", ['a\nb', 'c\nd']],
    ['$HOME/x ${HOME}/y "$A:${B}"', ['$HOME/x', '${HOME}/y', '$A:${B}']],
    ['a#b a} a{b} a~ a] x=~ !', ['a#b', 'a}', 'a{b}', 'a~', 'a]', 'x=~', '!']],
    ["''#x \\#y '~' \"{\"", ['#x', '#y', '~', '{']],
    ['é 😀 \u00a0', ['é', '😀', '\u00a0']],
    ['--build-arg "A=${X}" --tag reg/app:"${TAG}"', ['--build-arg', 'A=${X}', '--tag', 'reg/app:${TAG}']],
  ])('splits %j', (line, words) => {
    expect(shellWords(line)).toEqual(words);
  });

  it.each([
    "'unclosed",
    '"unclosed',
    '"a\\"',
    'trailing\\',
    'a | b',
    'a|b',
    'a > f',
    'a < f',
    'a; b',
    'a && b',
    'a &',
    '(a)',
    'echo `id`',
    '"`id`"',
    'echo $(id)',
    '"$(id)"',
    '$1',
    '"$1"',
    '$$',
    '"${X:-y}"',
    '${X:-y}',
    '$',
    '"a$"',
    '$A\\\nB',
    '"$A\\\nB"',
    '"$ "',
    'a*',
    'a?',
    '[ab]',
    '# comment',
    'a #comment',
    '~/x',
    '{ a; }',
    '}',
    'a\nb',
  ])('refuses %j', (line) => {
    expect(shellWords(line)).toBeUndefined();
  });

  it('hands back the operators it is asked for, and only those', () => {
    expect(shellTokens(`printf '%s' "$P"|docker login >x '|'`, { operators: '|>', references: 'braced' })).toEqual([
      { text: 'printf' },
      { text: '%s' },
      { text: '${P}' },
      { text: '|', op: true },
      { text: 'docker' },
      { text: 'login' },
      { text: '>', op: true },
      { text: 'x' },
      { text: '|' },
    ]);
    expect(shellTokens('a ; b', { operators: '|>' })).toBeUndefined();
    expect(shellTokens('a | b')).toBeUndefined();
  });

  it('agrees with sh on every line it accepts (property)', () => {
    // Each referenced variable is set to its own ${NAME} spelling, so sh's words are the braced ones.
    const alphabet = ["'", '"', '\\', '$', '{', '}', '#', '~', ' ', '\t', '\n', 'a', 'b', '=', '!', ']', 'é', '😀', 'A', '_', '1', '$A', '${B}', '$C_d'];
    const lines = fc.sample(fc.array(fc.constantFrom(...alphabet), { maxLength: 14 }).map((p) => p.join('')), 20000);
    const accepted = lines.map((line) => [line, shellWords(line, { references: 'braced' })] as const).filter((x): x is [string, string[]] => x[1] !== undefined);
    expect(accepted.length).toBeGreaterThan(300);
    const script = accepted.map(([line]) => `printf '%s\\0' ${line}\nprintf '\\1\\0'`).join('\n');
    const names = accepted.flatMap(([line]) => [...line.matchAll(/\$\{?([A-Za-z_][A-Za-z0-9_]*)/g)].map((m) => m[1]));
    const env = { PATH: process.env.PATH, ...Object.fromEntries(names.map((n) => [n, `\${${n}}`])) };
    const out = execFileSync('sh', ['-s'], { input: script, env, encoding: 'utf8' }).split('\u0001\0').slice(0, -1);
    const sh = out.map((chunk) => chunk.split('\0').slice(0, -1));
    expect(sh).toEqual(accepted.map(([, words]) => (words.length === 0 ? [''] : words)));
  });
});
