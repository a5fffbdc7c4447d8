import fc from 'fast-check';
import { diagnostic, diagnosticCodes, restamp, type Diagnostic, type DiagnosticCode } from './diagnostics';

const runs = Number(process.env.FUZZ_RUNS ?? 200);

/** What restamp replaces: two spreads. */
function bySpread(d: Diagnostic, message: string, file?: string): Diagnostic {
  const c = { ...d, message };
  return file !== undefined && !c.file ? { ...c, file } : c;
}

const arbDiagnostic = fc
  .record(
    {
      code: fc.constantFrom(...(Object.keys(diagnosticCodes) as DiagnosticCode[])),
      severity: fc.constantFrom('error' as const, 'warning' as const, 'info' as const),
      message: fc.string(),
      path: fc.string({ minLength: 1 }),
      file: fc.string({ minLength: 1 }),
      line: fc.nat(),
      column: fc.nat(),
      hint: fc.string(),
    },
    { requiredKeys: ['code', 'severity', 'message'] },
  )
  .map(({ code, severity, message, ...where }) => diagnostic(code, severity, message, where));

describe('restamp', () => {
  it('makes what the spreads made: same keys, same values, same order', () => {
    fc.assert(
      fc.property(arbDiagnostic, fc.string(), fc.option(fc.string({ minLength: 1 }), { nil: undefined }), (d, message, file) => {
        const before = JSON.stringify(d);
        const copy = restamp(d, message, file);
        expect(JSON.stringify(copy)).toBe(JSON.stringify(bySpread(d, message, file)));
        expect(Object.keys(copy)).toEqual(Object.keys(bySpread(d, message, file)));
        // a copy: the original is untouched
        expect(JSON.stringify(d)).toBe(before);
        expect(copy).not.toBe(d);
      }),
      { numRuns: runs },
    );
  });

  it('keeps the file a diagnostic already names', () => {
    const d = diagnostic('PCI031', 'warning', 'm', { path: 'jobs.a', file: 'a.yml', line: 3, hint: 'h' });
    expect(restamp(d, '[gitlab] m', 'ci.config.ts')).toEqual({ code: 'PCI031', severity: 'warning', message: '[gitlab] m', path: 'jobs.a', file: 'a.yml', line: 3, hint: 'h' });
  });

  it('adds the file after the other keys, as a spread does', () => {
    const d = diagnostic('PCI020', 'info', 'm', { path: 'jobs.a', hint: 'h' });
    expect(Object.keys(restamp(d, 'm', 'ci.config.ts'))).toEqual(['code', 'severity', 'message', 'path', 'hint', 'file']);
  });
});
