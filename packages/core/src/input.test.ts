import fc from 'fast-check';
import { decodeInput, inputLimits, parseYamlInput } from './input';

const read = (contents: string) => parseYamlInput({ path: 'x.yml', contents });

describe('parseYamlInput: hostile and broken input', () => {
  it('refuses an alias bomb with a clear diagnostic', () => {
    const bomb = ['a: &a ["x","x","x","x","x","x","x","x","x"]', ...'bcdefgh'.split('').map((k, i) => `${k}: &${k} [${Array(9).fill(`*${'abcdefgh'[i]}`).join(',')}]`)].join('\n');
    const r = read(bomb);
    expect(r.value).toBeUndefined();
    expect(r.diagnostics[0]).toMatchObject({ code: 'PCI050', severity: 'error' });
    expect(r.diagnostics[0].message).toMatch(/alias/);
  });

  it('refuses very deep nesting without overflowing the stack', () => {
    const r = read(`${'['.repeat(100000)}${']'.repeat(100000)}`);
    expect(r.diagnostics[0]).toMatchObject({ code: 'PCI050', line: 1 });
    const block = Array.from({ length: 300 }, (_, i) => `${'  '.repeat(i)}k${i}:`).join('\n');
    expect(read(block).diagnostics[0]?.code).toBe('PCI050');
  });

  it('refuses files over the size limit', () => {
    const r = decodeInput('big.yml', 'a'.repeat(inputLimits.maxBytes + 1));
    expect(r.text).toBeUndefined();
    expect(r.diagnostics[0].message).toMatch(/over the \d+-byte limit/);
  });

  it('refuses __proto__ and constructor keys, and pollutes nothing', () => {
    for (const key of ['__proto__', 'constructor', 'prototype']) {
      const r = read(`jobs:\n  build:\n    ${key}:\n      polluted: true\n`);
      expect(r.diagnostics[0]).toMatchObject({ code: 'PCI050', line: 3, column: 5 });
    }
    expect(({} as Record<string, unknown>).polluted).toBeUndefined();
  });

  it('refuses invalid UTF-8 with the position of the bad byte', () => {
    const bytes = Buffer.concat([Buffer.from('a: 1\nb: '), Buffer.from([0xc3, 0x28]), Buffer.from('\n')]);
    const r = decodeInput('bad.yml', bytes);
    expect(r.diagnostics[0]).toMatchObject({ code: 'PCI050', line: 2, column: 4 });
  });

  it('refuses binary garbage', () => {
    expect(read('a: 1\n\0\0\0').diagnostics[0]).toMatchObject({ code: 'PCI050', line: 2 });
  });

  it('reports duplicate keys and syntax errors with line and column', () => {
    expect(read('a: 1\nb: 2\na: 3\n').diagnostics[0]).toMatchObject({ code: 'PCI050', line: 3, column: 1 });
    const syntax = read('a: [1, 2\nb: }\n').diagnostics[0];
    expect(syntax.code).toBe('PCI040');
    expect(syntax.line).toBeGreaterThan(0);
  });

  it('never throws, whatever the bytes (property)', () => {
    fc.assert(
      fc.property(fc.oneof(fc.string(), fc.fullUnicodeString(), fc.uint8Array().map((b) => Buffer.from(b).toString('latin1'))), (text) => {
        const r = read(text);
        expect(Array.isArray(r.diagnostics)).toBe(true);
      }),
      { numRuns: 500 },
    );
    fc.assert(
      fc.property(fc.uint8Array({ maxLength: 200 }), (bytes) => {
        expect(Array.isArray(decodeInput('b', bytes).diagnostics)).toBe(true);
      }),
      { numRuns: 500 },
    );
  });
});
