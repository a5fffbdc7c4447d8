/**
 * The fast config scanner against sucrase: whenever it answers (and V8 accepts the
 * answer), running its CommonJS gives what running sucrase's gives: the same exports,
 * or the same error. Where it must not answer (a generic call that JavaScript reads as
 * comparisons, a regular expression, an import after code...), it says it is unsure.
 */
import fc from 'fast-check';
import { readFileSync } from 'node:fs';
import { isDeepStrictEqual } from 'node:util';
import { Script } from 'node:vm';
import { transform } from 'sucrase';
import * as core from '@polyci/core';
import { fastTranspile } from '../../packages/cli/src/fast-transpile';
import { exampleNames, examplesDir } from '../support/examples';

const modules: Record<string, unknown> = {
  '@polyci/core': core,
  esm: { __esModule: true, default: 'esm default', named: 'esm named' },
  cjs: { named: 'cjs named', other: 2 },
  fn: Object.assign(() => 'called', { named: 'fn named' }),
};

type Outcome = { exports: unknown } | { error: string };

function run(code: string): Outcome {
  const required: string[] = [];
  const fakeRequire = (id: string): unknown => {
    // require caches: what matters is which modules load, in what order.
    if (!required.includes(id)) required.push(id);
    if (!(id in modules)) throw new Error(`Cannot find module '${id}'`);
    return modules[id];
  };
  const mod = { exports: {} as Record<string, unknown> };
  try {
    const wrapper = new Script(`(function (exports, require, module) {${code}\n})`).runInThisContext() as (...a: unknown[]) => void;
    wrapper.call(mod.exports, mod.exports, fakeRequire, mod);
    // Plain data: functions compare by what they return, module objects by name.
    return { exports: JSON.parse(JSON.stringify({ exports: mod.exports, required }, (_k, v) => (typeof v === 'function' ? `fn:${v.name}` : v === core ? 'core' : v))) };
  } catch (error) {
    return { error: error instanceof Error ? `${error.constructor.name}` : String(error) };
  }
}

function viaSucrase(source: string): string | undefined {
  try {
    return transform(source, { transforms: ['typescript', 'imports'], production: true }).code;
  } catch {
    return undefined;
  }
}

/** Undefined when the scanner is unsure or V8 rejects its answer (the loader then uses sucrase). */
function viaFast(source: string): string | undefined {
  const code = fastTranspile(source);
  if (code === undefined) return undefined;
  try {
    new Script(`(function () {${code}\n})`);
    return code;
  } catch {
    return undefined;
  }
}

function expectSame(source: string): 'fast' | 'unsure' {
  const fast = viaFast(source);
  if (fast === undefined) return 'unsure';
  const slow = viaSucrase(source);
  if (slow === undefined) throw new Error(`sucrase rejects a source the scanner accepted:\n${source}`);
  const a = run(fast);
  const b = run(slow);
  if (!isDeepStrictEqual(a, b)) {
    throw new Error(`different results\n--- source\n${source}\n--- fast\n${fast}\n--- sucrase\n${slow}\n--- ${JSON.stringify(a)}\n--- ${JSON.stringify(b)}`);
  }
  return 'fast';
}

describe('fast config transpile', () => {
  it('takes every example config, with the result sucrase gives', () => {
    for (const name of exampleNames()) {
      const source = readFileSync(`${examplesDir}/${name}/ci.config.ts`, 'utf8');
      expect([name, expectSame(source)]).toEqual([name, 'fast']);
    }
  });

  it('keeps every line where it was', () => {
    const source = "// c\nimport {\n  defineConfig,\n  type Job,\n} from '@polyci/core';\nconst x: Record<string, Job> = {};\nexport default defineConfig({ name: 'n', jobs: x } satisfies object);\n";
    const code = fastTranspile(source)!;
    expect(code.split('\n').length).toBe(source.split('\n').length + 1);
    expect(code.split('\n')[5]).toContain('const x');
    expect(code.split('\n')[6]).toContain('exports.default =');
  });

  const handled: Array<[string, string]> = [
    ['default export', "export default { a: 1 };"],
    ['named and renamed imports', "import { named, other as o } from 'cjs';\nexport default [named, o];"],
    ['default import with interop', "import d from 'esm';\nimport c from 'cjs';\nexport default [d, c];"],
    ['namespace import', "import * as ns from 'esm';\nimport * as c from 'cjs';\nexport default [ns.named, ns.default, c.named, c.default.other];"],
    ['default plus named', "import d, { named } from 'esm';\nexport default [d, named];"],
    ['type-only imports are dropped', "import type { Missing } from 'nowhere';\nimport { type Gone, named } from 'cjs';\nexport default named;"],
    ['unused imports are dropped like TypeScript drops them', "import { Unused } from 'nowhere';\nexport default 1;"],
    ['a default import named type', "import type from 'esm';\nexport default type;"],
    ['side-effect import', "import 'cjs';\nexport default 2;"],
    ['annotated const', "const a: Array<{ x: string }> = [{ x: 'y' }];\nlet b: string | number = 3;\nexport default [a, b];"],
    ['satisfies and as', "const o = { a: 1 } satisfies Record<string, number>;\nexport default [o as const, (o as { a: number }).a, o.a as number];"],
    ['as in an object key and as a variable', "const as = 1;\nconst satisfies = { as: as };\nexport default [as, satisfies.as, { as }];"],
    ['strings and templates that look like code', "const s = 'import x from \"y\"; export default 1 < 2 /re/';\nconst t = `${'a' + `${\"}\"}`}` + `export default ${s.length}`;\nexport default [s, t];"],
    ['comments that look like code', "// import { x } from 'nowhere'.\n/* export default 5; */ export default /* < */ 3;"],
    ['named exports', "export const a = 1;\nexport function f() { return 2; }\nexport class C {}\nexport default [a, f()];"],
    ['a spread of an import is a use', "import { named } from 'cjs';\nexport default [...named];"],
    ['a union across lines', "const u:\n  | string\n  | number = 5;\nexport default u;"],
    ['a ternary after a type', "const v = (1 as number) ? 'y' : 'n';\nexport default v;"],
    ['plain CommonJS', "module.exports = { config: 1 };"],
    ['a call of a function named as after an if', "const r = [];\nfunction as(v) { r.push(v); }\nif (r) as(1)\nwhile (r.length !== 2) as(2)\nexport default r;"],
    ['a call of a function named as after a block', "const r = [];\nfunction as(v) { r.push(v); }\nif (r) { r.push(0); } as(3)\nexport default r;"],
    ['satisfies after object literals in every position', "const a = { x: 1 } satisfies object;\nconst b = [{ y: 2 } satisfies object, ({ z: 3 } satisfies object)];\nconst f = () => { return { w: 4 } satisfies object; };\nexport default { a, b, c: f() } satisfies object;"],
    ['a runtime error is the same error', "import { named } from 'cjs';\nexport default named.missing.deeper;"],
    ['a missing module is the same error', "import { named } from 'nowhere';\nexport default named;"],
  ];
  it.each(handled)('handles %s', (_name, source) => {
    expect(expectSame(source)).toBe('fast');
  });

  const unsure: Array<[string, string]> = [
    ['a generic call (valid JavaScript with another meaning)', "const f = (x) => x;\nconst T = 1;\nexport default f<T>(2);"],
    ['two type arguments (a comma expression in JavaScript)', "const f = 1, A = 2, B = 3;\nexport default f<A, B>(4);"],
    ['a regular expression', "export default /a\"b/.test('a\"b');"],
    ['a division', "export default 4 / 2;"],
    ['an import after code', "const a = 1;\nimport { named } from 'cjs';\nexport default [a, named];"],
    ['a dynamic import', "export default import('cjs');"],
    ['export from', "export { named } from 'cjs';"],
    ['a conditional type after as', "const x = 1;\nexport default x as number extends string ? 1 : 2;"],
    ['a decorator', "@dec class A {}\nexport default A;"],
    ['a non-ASCII identifier', "const café = 1;\nexport default café;"],
    ['a type that continues on the next line with a dot', "const x = { a: 1 } as Foo\n.a;\nexport default x;"],
    ['import assertions', "import d from 'esm' with { type: 'json' };\nexport default d;"],
    ['a default export of a function declaration', "export default function f() { return 1; }"],
    ['an unterminated template', 'export default `a${1}'],
  ];
  it.each(unsure)('leaves %s to sucrase', (_name, source) => {
    expect(fastTranspile(source) === undefined || viaFast(source) === undefined).toBe(true);
  });

  it('TypeScript it does not know is left to sucrase (V8 rejects it)', () => {
    for (const source of [
      'function f(a: string): string { return a; }\nexport default f("x");',
      'enum E { A }\nexport default E.A;',
      'interface I { a: string }\nexport default 1;',
      'let x!: number;\nx = 1;\nexport default x;',
      'const y = 1;\nexport default y!;',
      'class A { private a = 1 }\nexport default new A();',
    ]) {
      expect(viaFast(source)).toBeUndefined();
      expect(viaSucrase(source)).toBeDefined();
    }
  });

  // Random configs built from the forms a ci.config.ts uses, with hostile strings in
  // every quoting and comment form: the scanner must answer most of them (else this
  // test proves little) and agree with sucrase on every one it answers.
  const text = fc.string({ unit: fc.constantFrom('a', ' ', '\n', "'", '"', '`', '\\', '$', '{', '}', '/', '*', '<', '>', 'é', '\u2028', ':', ',', 'as ', 'import ', 'export default '), maxLength: 16 });
  const literal = fc.oneof(
    text.map((s) => JSON.stringify(s)),
    text.map((s) => `'${JSON.stringify(s).slice(1, -1).replace(/\\"/g, '"').replace(/'/g, "\\'")}'`),
    text.map((s) => `\`${s.replace(/[\\`$]/g, '\\$&').replace(/\u2028/g, '\\u2028')}\``),
    text.map((s) => `\`a\${${JSON.stringify(s)}}b\``),
    fc.integer().map(String),
    fc.constantFrom('named', 'ns.named', 'd', '[...arr]', '{ ...obj }', 'obj?.k', 'x++', 'o as const', '(1 satisfies number)', 'fn()', 'arr.length'),
  );
  const comment = fc.oneof(
    text.map((s) => `// ${s.replace(/[\n\u2028]/g, ' ')}\n`),
    text.map((s) => `/* ${s.replace(/\*\//g, '')} */`),
    fc.constant(''),
  );
  const value: fc.Arbitrary<string> = fc.letrec((tie) => ({
    v: fc.oneof(
      { depthSize: 'small' },
      literal,
      fc.array(tie('v'), { maxLength: 3 }).map((xs) => `[${xs.join(', ')}]`),
      fc.array(fc.tuple(fc.constantFrom('a', 'as', 'b', "'c d'", 'satisfies', 'import', 'type'), tie('v'), comment), { maxLength: 3 }).map((es) => `{ ${es.map(([k, v, c]) => `${k}: ${c}${v}`).join(', ')} }`),
      tie('v').map((v) => `${v} satisfies unknown`),
      tie('v').map((v) => `(${v} as Array<Record<string, number>>)`),
    ),
  })).v as fc.Arbitrary<string>;
  const header = fc.subarray([
    "import { named, type Gone } from 'cjs';",
    "import * as ns from 'esm';",
    "import d from 'esm';",
    "import type { T } from 'nowhere';",
    "import { defineConfig } from '@polyci/core';",
  ]);
  const program = fc.tuple(header, comment, fc.boolean(), value, comment, value).map(
    ([imports, c1, annotate, a, c2, b]) =>
      `${imports.join('\n')}\nconst arr = [1]; const obj = { k: 1 }; const o = { p: 1 }; const x = 0; function fn() { return 1; }\n${c1}const first${annotate ? ': unknown' : ''} = ${a};\n${c2}export default [first, ${b}];\n`,
  );

  it('agrees with sucrase on random configs', () => {
    let fast = 0;
    let total = 0;
    fc.assert(
      fc.property(program, (source) => {
        total++;
        if (expectSame(source) === 'fast') fast++;
      }),
      { numRuns: Number(process.env.FUZZ_RUNS ?? 300) },
    );
    expect(fast / total).toBeGreaterThan(0.5);
  });

  it('agrees with sucrase on random token soup whenever it answers', () => {
    let compared = 0;
    const token = fc.constantFrom('a', 'b', ' ', '\n', '(', ')', '{', '}', '[', ']', ',', ';', ':', '?', '.', '...', '=', '=>', '+', '++', '!', '<', '>', "'s'", '"t"', '`u${a}`', 'as', 'satisfies', 'const', 'let', 'export', 'default', 'import', 'from', 'type', "'cjs'", '1', '// c\n', '/* c */', 'named', 'return', 'typeof');
    fc.assert(
      fc.property(fc.array(token, { maxLength: 24 }), (tokens) => {
        const source = `const a = 1, b = 2;\n${tokens.join('')}`;
        const fast = viaFast(source);
        const slow = viaSucrase(source);
        if (fast === undefined || slow === undefined) return;
        compared++;
        expect(run(fast)).toEqual(run(slow));
      }),
      { numRuns: Number(process.env.FUZZ_RUNS ?? 1000) },
    );
    // About a fifth of the soups are programs both accept: enough to mean something.
    expect(compared).toBeGreaterThan(Number(process.env.FUZZ_RUNS ?? 1000) / 20);
  });
});
