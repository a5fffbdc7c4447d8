import { compile } from './compile';
import { diagnostic, type Diagnostic } from './diagnostics';
import type { Target } from './target';

/** A target that reports the given diagnostics and writes one file. */
function target(id: string, diagnostics: Diagnostic[]): Target {
  return { id, title: id, detect: () => false, emit: () => ({ files: [{ path: `${id}.txt`, contents: 'x' }], diagnostics }) } as unknown as Target;
}

describe('compile diagnostics', () => {
  const input = { name: 'p', jobs: { a: { image: 'node:latest', steps: [{ run: 'true' }] } } };

  it('prefixes each target diagnostic once and names the file where none is named', () => {
    const own = diagnostic('PCI031', 'warning', 'dropped', { path: 'jobs.a.x', hint: 'h' });
    const named = diagnostic('PCI031', 'info', 'imported', { file: 'other.yml', line: 2 });
    const prefixed = diagnostic('PCI030', 'info', '[gitlab] already said');
    const r = compile(input, [target('gitlab', [own, named, prefixed])], {}, { file: 'ci.config.ts' });
    const fromTarget = r.diagnostics.filter((d) => d.code === 'PCI031' || d.code === 'PCI030');
    expect(fromTarget).toEqual([
      { code: 'PCI031', severity: 'warning', message: '[gitlab] dropped', path: 'jobs.a.x', hint: 'h', file: 'ci.config.ts' },
      { code: 'PCI031', severity: 'info', message: '[gitlab] imported', file: 'other.yml', line: 2 },
      { code: 'PCI030', severity: 'info', message: '[gitlab] already said', file: 'ci.config.ts' },
    ]);
    expect(Object.keys(fromTarget[0])).toEqual(['code', 'severity', 'message', 'path', 'hint', 'file']);
    // the target's diagnostics are the caller's (EmitResult): stamped in place, not copied
    expect(fromTarget[0]).toBe(own);
    expect(own.message).toBe('[gitlab] dropped');
  });

  it('copies a diagnostic that cannot be changed, and leaves it as it was', () => {
    const frozen = Object.freeze(diagnostic('PCI031', 'warning', 'kept', { path: 'jobs.a.x' }));
    const sealed = Object.seal(diagnostic('PCI030', 'info', 'sealed'));
    const r = compile(input, [target('gitlab', [frozen, sealed])], {}, { file: 'ci.config.ts' });
    const [a, b] = r.diagnostics.filter((d) => d.code === 'PCI031' || d.code === 'PCI030');
    expect(a).toEqual({ code: 'PCI031', severity: 'warning', message: '[gitlab] kept', path: 'jobs.a.x', file: 'ci.config.ts' });
    expect(b).toEqual({ code: 'PCI030', severity: 'info', message: '[gitlab] sealed', file: 'ci.config.ts' });
    expect(frozen).toEqual({ code: 'PCI031', severity: 'warning', message: 'kept', path: 'jobs.a.x' });
    expect(sealed).toEqual({ code: 'PCI030', severity: 'info', message: 'sealed' });
  });

  it('names the file on validation diagnostics too, and on errors that stop the compile', () => {
    const warned = compile(input, [target('github', [])], {}, { file: 'ci.config.ts' });
    expect(warned.diagnostics.find((d) => d.code === 'PCI023')).toMatchObject({ file: 'ci.config.ts', path: 'jobs.a.image' });
    const failed = compile({ name: 'p', jobs: { a: { needs: ['b'], steps: [{ run: 'true' }] } } }, [target('github', [])], {}, { file: 'x/ci.config.ts' });
    expect(failed.files).toEqual([]);
    expect(failed.diagnostics.filter((d) => d.severity === 'error').map((d) => d.file)).toEqual(['x/ci.config.ts']);
  });

  it('without a file, leaves diagnostics without one', () => {
    const r = compile(input, [target('gitlab', [diagnostic('PCI031', 'info', 'm')])]);
    expect(r.diagnostics.every((d) => d.file === undefined)).toBe(true);
    expect(r.diagnostics.at(-1)?.message).toBe('[gitlab] m');
  });
});
