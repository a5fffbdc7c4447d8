import fc from 'fast-check';
import { parse } from 'yaml';
import { toYaml, yamlEntries, yamlScalar, type YamlValue } from './yaml';

const tricky = [
  '', ' ', 'a ', ' a', 'yes', 'No', 'on', 'OFF', 'y', 'n', 'null', '~', 'true', '1', '1.0', '0x1F', '0o17', '1e3', '.5', '-1', '+1', '.inf', '-.Inf', '.NaN',
  '1:20', '2001-12-14', '1_000', '=', '<<', '-', '- a', '? a', ': a', 'a: b', 'a #b', '#a', '&a', '*a', '!a', '%a', '@a', '`a', '|', '>', "'", '"', '{a}', '[a]',
  'a,b', 'a\nb', 'a\n', 'a\n\n', '\na', ' a\nb', 'a\n b', 'a\n  \nb', 'a\r\nb', 'a\tb', '\u2028', '\u0085', '\ufeff', '\u007f', 'é', '😀', '\\', 'a\\nb', '${{ x }}', '$(id)', '---', '...',
];

const value = fc.letrec((tie) => ({
  value: fc.oneof(
    { depthSize: 'small', withCrossShrink: true },
    fc.oneof(fc.constantFrom(...tricky), fc.string(), fc.fullUnicodeString({ maxLength: 8 })),
    fc.integer(),
    fc.double({ noNaN: true, noDefaultInfinity: true }).filter((d) => !Object.is(d, -0)),
    fc.boolean(),
    fc.constant(null),
    fc.array(tie('value'), { maxLength: 4 }),
    fc.dictionary(fc.oneof(fc.constantFrom(...tricky), fc.string()), tie('value'), { maxKeys: 4 }),
  ),
})).value as fc.Arbitrary<YamlValue>;

describe('toYaml', () => {
  it.each(tricky)('keeps the string %j as itself under YAML 1.2 and 1.1', (s) => {
    const doc = toYaml({ k: s, list: [s], [s]: 1 });
    expect(parse(doc)).toEqual({ k: s, list: [s], [s]: 1 });
    expect(parse(doc, { version: '1.1' })).toEqual({ k: s, list: [s], [s]: 1 });
  });

  it('round-trips any JSON-shaped value (property)', () => {
    fc.assert(
      fc.property(value, (v) => {
        const doc = toYaml(v);
        expect(parse(doc)).toEqual(v);
        expect(parse(doc, { version: '1.1' })).toEqual(v);
      }),
      { numRuns: Number(process.env.YAML_RUNS ?? 1000) },
    );
  });

  it('writes multi-line text as literal blocks and plain words plain', () => {
    expect(toYaml({ script: 'echo a\necho b\n', name: 'build' })).toBe('script: |\n  echo a\n  echo b\nname: build\n');
    expect(toYaml({ steps: [{ run: 'a\nb' }] })).toBe('steps:\n  - run: |-\n      a\n      b\n');
  });

  it('quotes what YAML would read as something else', () => {
    expect(yamlScalar('yes')).toBe('"yes"');
    expect(yamlScalar('1.10')).toBe('"1.10"');
    expect(yamlScalar('a: b')).toBe('"a: b"');
    expect(yamlScalar('docker:27.3.1-dind')).toBe('docker:27.3.1-dind');
  });

  it('writes no anchors for shared objects', () => {
    const shared = { a: 1 };
    expect(toYaml({ x: shared, z: shared })).toBe('x:\n  a: 1\nz:\n  a: 1\n');
  });

  it('refuses non-finite numbers', () => {
    expect(() => toYaml({ n: Infinity })).toThrow(/cannot write/);
  });
});

describe('yamlEntries', () => {
  it('writes what toYaml writes under a key, and a mapping\'s document at depth 0 (property)', () => {
    fc.assert(
      fc.property(fc.oneof(fc.array(value, { minLength: 1, maxLength: 4 }), fc.dictionary(fc.string(), value, { minKeys: 1, maxKeys: 4 })), (v) => {
        expect(`jobs:\n${yamlEntries(v, 1)}`).toBe(toYaml({ jobs: v }));
        if (!Array.isArray(v)) expect(yamlEntries(v)).toBe(toYaml(v));
      }),
      { numRuns: Number(process.env.YAML_RUNS ?? 500) },
    );
  });

  it('writes nothing for a collection without entries', () => {
    expect(yamlEntries({})).toBe('');
    expect(yamlEntries({ a: undefined })).toBe('');
    expect(yamlEntries([], 1)).toBe('');
  });
});
