/**
 * The compose importer never throws: random text, mutated fixtures and example
 * outputs, and random compose-shaped documents (services with values of every
 * type where the importer expects maps, lists and strings) all come back as a
 * pipeline and diagnostics. Bad input gets an error diagnostic with a position.
 */
import fc from 'fast-check';
import { readdirSync, readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { stringify } from 'yaml';
import { importCompose } from '@polyci/compose';

const fixtures = resolve(__dirname, '../fixtures/compose');
const examples = resolve(__dirname, '../../examples');
const seeds = [
  ...readdirSync(fixtures).map((c) => readFileSync(join(fixtures, c, 'input.yaml'), 'utf8')),
  ...readdirSync(examples).map((e) => readFileSync(join(examples, e, 'compose.yaml'), 'utf8')),
];

function survives(contents: string) {
  const result = importCompose([{ path: 'compose.yaml', contents }]);
  expect(typeof result.pipeline.name).toBe('string');
  expect(typeof result.pipeline.jobs).toBe('object');
  expect(Array.isArray(result.diagnostics)).toBe(true);
  for (const d of result.diagnostics) {
    expect(d.code).toMatch(/^PCI0\d\d$/);
    expect(typeof d.message).toBe('string');
  }
  return result;
}

const anyValue = fc.oneof(
  fc.constant(null),
  fc.boolean(),
  fc.integer(),
  fc.string({ maxLength: 20 }),
  fc.constantFrom('docker:dind', 'docker:27-dind-rootless', 'tecnativa/docker-socket-proxy', 'gcr.io/kaniko-project/executor:v1', 'tcp://dind:2376', '/var/run/docker.sock:/var/run/docker.sock', '.:/workspace', 'sh -c "docker build -t a ."', '${X', '$$', 'service_completed_successfully'),
  fc.array(fc.string({ maxLength: 10 }), { maxLength: 3 }),
  fc.dictionary(fc.string({ maxLength: 8 }), fc.string({ maxLength: 8 }), { maxKeys: 3 }),
);
const serviceKeys = fc.constantFrom('image', 'command', 'entrypoint', 'environment', 'depends_on', 'volumes', 'networks', 'working_dir', 'labels', 'profiles', 'privileged', 'healthcheck', 'cpus', 'mem_limit', 'security_opt', 'ports', 'expose', 'x-a');
const composeShaped = fc.record({
  version: fc.option(anyValue, { nil: undefined }),
  services: fc.oneof(anyValue, fc.dictionary(fc.string({ minLength: 1, maxLength: 8 }), fc.oneof(anyValue, fc.dictionary(serviceKeys, anyValue, { maxKeys: 8 })), { maxKeys: 4 })),
  volumes: fc.option(anyValue, { nil: undefined }),
  networks: fc.option(anyValue, { nil: undefined }),
  'x-polyci': fc.option(anyValue, { nil: undefined }),
});

describe('compose importer fuzz', () => {
  it('survives random text (300 runs)', () => {
    fc.assert(fc.property(fc.oneof(fc.string({ maxLength: 400 }), fc.fullUnicodeString({ maxLength: 200 })), (s) => void survives(s)), { numRuns: 300 });
  });

  it('survives mutated fixtures and example outputs (400 runs)', () => {
    fc.assert(
      fc.property(fc.nat(seeds.length - 1), fc.nat(), fc.nat(30), fc.oneof(fc.string({ maxLength: 12 }), fc.constantFrom('\n', ': ', '- ', '{', '[', '"', "'", '&a ', '*a', '<<: *a', '$', '\t', '#')), (which, at, cut, insert) => {
        const text = seeds[which];
        const i = at % (text.length + 1);
        survives(text.slice(0, i) + insert + text.slice(i + cut));
      }),
      { numRuns: 400 },
    );
  });

  it('survives compose-shaped documents with values of any type (400 runs)', () => {
    fc.assert(fc.property(composeShaped, (doc) => void survives(stringify(doc))), { numRuns: 400 });
  });

  it('reports a syntax error at its line and column', () => {
    const r = survives('services:\n  a:\n    image: [unclosed\n');
    const e = r.diagnostics.find((d) => d.severity === 'error');
    expect(e).toMatchObject({ code: 'PCI040', file: 'compose.yaml' });
    expect(e!.line).toBeGreaterThan(0);
    expect(e!.column).toBeGreaterThan(0);
  });

  it('refuses a document that is not a compose file', () => {
    expect(survives('- a\n- b\n').diagnostics.some((d) => d.code === 'PCI041' && d.severity === 'error')).toBe(true);
    expect(survives('services: {}\n').diagnostics.some((d) => d.code === 'PCI041' && d.severity === 'error')).toBe(true);
  });
});
