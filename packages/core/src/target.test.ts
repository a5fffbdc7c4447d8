import { filePieces, outputFile } from './target';

describe('outputFile', () => {
  it('reads as a plain file whose contents are the pieces joined', () => {
    const pieces = ['# header\n', 'a: 1\n', '', 'b: 2\n'];
    const file = outputFile('x.yml', pieces);
    expect(file.contents).toBe('# header\na: 1\nb: 2\n');
    expect(file).toEqual({ path: 'x.yml', contents: '# header\na: 1\nb: 2\n' });
    expect(JSON.parse(JSON.stringify(file))).toEqual({ path: 'x.yml', contents: '# header\na: 1\nb: 2\n' });
    expect({ ...file }).toEqual({ path: 'x.yml', contents: '# header\na: 1\nb: 2\n' });
    expect(Object.keys(file)).toEqual(['path', 'contents']);
  });

  it('gives writers its pieces, and any other file as one piece', () => {
    const pieces = ['a', 'b'];
    expect(filePieces(outputFile('x', pieces))).toBe(pieces);
    expect(filePieces({ path: 'y', contents: 'ab' })).toEqual(['ab']);
    // a copy is a plain file: one piece, the joined text
    expect(filePieces({ ...outputFile('x', pieces) })).toEqual(['ab']);
  });
});
