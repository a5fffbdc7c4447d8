/**
 * planWrites compares an existing file with the new contents a chunk at a time, as bytes:
 * the same bytes are "unchanged" whatever their size or characters, any other bytes are
 * "changed" (or a PCI060 conflict when the file is not polyci's), a missing file is new.
 * writeAtomic writes the same chunks: the file holds exactly Buffer.from(contents).
 */
import fc from 'fast-check';
import { mkdirSync, mkdtempSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { generatedMarker } from '@polyci/core';
import { planWrites, writeAtomic } from '../../packages/cli/src/output';

const runs = Number(process.env.FUZZ_RUNS ?? 100);
const dir = mkdtempSync(join(tmpdir(), 'polyci-output-'));
let n = 0;

/** A file holding `bytes`, and the plan for writing `contents` over it. */
function plan(bytes: string | Buffer | undefined, contents: string, force = false) {
  const path = join(dir, `f${n++}`);
  if (bytes !== undefined) writeFileSync(path, bytes);
  const r = planWrites([{ path, contents }], force);
  return { changed: r.changed.length, errors: r.diagnostics.map((d) => d.code) };
}

const header = `# ${generatedMarker} from ci.config.ts.\n`;

/** Does some piece end with the high half of a pair whose low half starts the next piece? */
const splitsAPair = (pieces: string[]): boolean =>
  pieces.some((p, i) => i + 1 < pieces.length && /[\ud800-\udbff]$/.test(p) && /^[\udc00-\udfff]/.test(pieces[i + 1]));
const chunk = 1 << 18; // output.ts's chunk, in UTF-16 units

describe('planWrites', () => {
  it('a missing file, or one under a missing directory, is new', () => {
    expect(plan(undefined, 'x')).toEqual({ changed: 1, errors: [] });
    const file = join(dir, `f${n++}`);
    writeFileSync(file, 'x');
    expect(planWrites([{ path: join(file, 'below'), contents: 'x' }], false).changed).toHaveLength(1);
  });

  it('the same bytes are unchanged across chunk boundaries, with multi-byte characters and surrogate pairs on them', () => {
    for (const size of [0, 1, chunk - 1, chunk, chunk + 1, 3 * chunk + 7]) {
      const ascii = header + 'a'.repeat(size);
      expect(plan(ascii, ascii)).toEqual({ changed: 0, errors: [] });
    }
    // a pair whose high half is the last unit of a chunk, then é and € on the next boundaries
    const text = header + 'a'.repeat(chunk - header.length - 1) + '😀' + 'é'.repeat(chunk - 1) + '€'.repeat(chunk + 3) + '\n';
    expect(plan(text, text)).toEqual({ changed: 0, errors: [] });
  });

  it('other bytes are changed: one byte at the start, in the middle, at the end, or a length', () => {
    const text = header + 'b'.repeat(2 * chunk + 11);
    for (const at of [header.length, chunk, chunk + 1, text.length - 1]) {
      const other = `${text.slice(0, at)}c${text.slice(at + 1)}`;
      expect(plan(other, text)).toEqual({ changed: 1, errors: [] });
    }
    expect(plan(text + 'b', text)).toEqual({ changed: 1, errors: [] });
    expect(plan(text.slice(0, -1), text)).toEqual({ changed: 1, errors: [] });
  });

  it('bytes that are not UTF-8 are not the replacement character they decode to', () => {
    // 0xff decodes to U+FFFD: a string comparison would call this file up to date and keep the bad byte
    const file = Buffer.concat([Buffer.from(header), Buffer.from([0xff])]);
    expect(file.toString('utf8')).toBe(`${header}\ufffd`);
    expect(plan(file, `${header}\ufffd`)).toEqual({ changed: 1, errors: [] });
  });

  it('a file without polyci header is a conflict unless forced, whatever its length', () => {
    const text = header + 'x'.repeat(100);
    const foreign = '# mine\n' + 'y'.repeat(text.length - 7);
    expect(Buffer.byteLength(foreign)).toBe(Buffer.byteLength(text));
    expect(plan(foreign, text)).toEqual({ changed: 0, errors: ['PCI060'] });
    expect(plan('# mine\n', text)).toEqual({ changed: 0, errors: ['PCI060'] });
    expect(plan(foreign, text, true)).toEqual({ changed: 1, errors: [] });
    // the header counts within the first 400 characters, even when they are 4 bytes each
    expect(plan(`${'😀'.repeat(150)}${header}`, text)).toEqual({ changed: 1, errors: [] });
    expect(plan(`${'😀'.repeat(200)}${header}`, text)).toEqual({ changed: 0, errors: ['PCI060'] });
  });

  it('agrees with comparing whole strings, on random texts and edits', () => {
    mkdirSync(dir, { recursive: true });
    const unit = fc.oneof(fc.constantFrom('a', '\n', 'é', '€', '😀', '\u2028', '\ufffd'), fc.fullUnicode());
    fc.assert(
      fc.property(fc.array(unit, { maxLength: 200 }).map((u) => header + u.join('')), fc.nat(), fc.option(unit, { nil: undefined }), (text, at, edit) => {
        const i = header.length + (at % (text.length - header.length + 1));
        const other = edit === undefined ? text : text.slice(0, i) + edit + text.slice(i + 1);
        const expected = Buffer.from(other).equals(Buffer.from(text)) ? 0 : 1;
        expect(plan(other, text)).toEqual({ changed: expected, errors: [] });
      }),
      { numRuns: runs },
    );
  });

  it('writeAtomic writes exactly the UTF-8 bytes, across chunk boundaries, and leaves no temporary file', () => {
    const sub = join(dir, `w${n++}`, 'deeper');
    const texts = [
      '',
      'a',
      header + 'a'.repeat(chunk - header.length - 1) + '😀' + 'é'.repeat(chunk - 1) + '€'.repeat(chunk + 3) + '\n',
      // a lone surrogate is written as U+FFFD, as Buffer.from writes it
      `x\ud800y${'z'.repeat(chunk)}\udc00`,
    ];
    texts.forEach((text, i) => {
      const path = join(sub, `f${i}`);
      writeAtomic(path, text);
      expect(readFileSync(path).equals(Buffer.from(text))).toBe(true);
      // and planWrites then finds it unchanged
      expect(planWrites([{ path, contents: text }], false).changed).toEqual([]);
    });
    // over an existing file, shorter than before
    writeAtomic(join(sub, 'f2'), 'short');
    expect(readFileSync(join(sub, 'f2'), 'utf8')).toBe('short');
    expect(readdirSync(sub).sort()).toEqual(['f0', 'f1', 'f2', 'f3']);
  });

  it('pieces are written and compared as their joined text: small ones share a chunk, large ones cross chunks, a pair may be split across two', () => {
    const sub = join(dir, `p${n++}`);
    const cases: string[][] = [
      [],
      ['', '', ''],
      [header, ...Array.from({ length: 5000 }, (_, i) => `line ${i} é\n`)],
      [header, 'a'.repeat(chunk - 1), '😀', 'b'.repeat(chunk + 1), '€'.repeat(chunk), 'z'],
      // the high half ends one piece, the low half starts the next (twice in a row; empty pieces between)
      [header + 'x\ud83d', '\ude00\ud83d', '', '', '\ude00' + 'é'.repeat(chunk)],
    ];
    cases.forEach((pieces, i) => {
      const text = pieces.join('');
      const path = join(sub, `f${i}`);
      writeAtomic(path, pieces);
      expect(readFileSync(path).equals(Buffer.from(text))).toBe(true);
      expect(planWrites([{ path, contents: pieces }], false).changed).toEqual([]);
      expect(planWrites([{ path, contents: text }], false).changed).toEqual([]);
      if (text.length > header.length) expect(planWrites([{ path, contents: [...pieces, 'x'] }], false).changed).toHaveLength(1);
    });
    expect(splitsAPair(cases[4])).toBe(true);
  });

  it('pieces: random cuts of random texts agree with the joined text, written and compared', () => {
    const path = join(dir, `w${n++}`);
    const unit = fc.oneof(fc.constantFrom('a', '\n', 'é', '€', '😀', '\ud800', '\udfff'), fc.fullUnicode());
    fc.assert(
      fc.property(fc.array(unit, { maxLength: 200 }), fc.array(fc.nat(), { maxLength: 8 }), fc.option(unit, { nil: undefined }), (units, cuts, edit) => {
        const text = header + units.join('');
        // cut anywhere, between the halves of a pair too; the same cut twice makes an empty piece
        const at = cuts.map((c) => c % (text.length + 1)).sort((a, b) => a - b);
        const pieces = [0, ...at].map((from, i) => text.slice(from, i < at.length ? at[i] : text.length));
        expect(pieces.join('')).toBe(text);
        writeAtomic(path, pieces);
        expect(readFileSync(path).equals(Buffer.from(text))).toBe(true);
        expect(planWrites([{ path, contents: pieces }], false).changed).toEqual([]);
        const other = edit === undefined ? pieces : [...pieces.slice(0, -1), (pieces.at(-1) ?? '') + edit];
        const expected = Buffer.from(other.join('')).equals(Buffer.from(text)) ? 0 : 1;
        expect(planWrites([{ path, contents: other }], false).changed).toHaveLength(expected);
      }),
      { numRuns: runs },
    );
  });

  it('writeAtomic: random texts read back as Buffer.from gives them', () => {
    const path = join(dir, `w${n++}`);
    const unit = fc.oneof(fc.constantFrom('a', '\n', 'é', '€', '😀', '\ud800', '\udfff'), fc.fullUnicode());
    fc.assert(
      fc.property(fc.array(unit, { maxLength: 300 }), (units) => {
        const text = units.join('');
        writeAtomic(path, text);
        expect(readFileSync(path).equals(Buffer.from(text))).toBe(true);
      }),
      { numRuns: runs },
    );
  });
});
