/**
 * A pipeline with more services than the emitter writes in one batch: the file must
 * be what one toYaml of composeDocument writes, whether the services are written in
 * batches or (with a vendor services map merged over them) all at once.
 */
import { toYaml, type Pipeline, type PipelineInput, type YamlValue } from '@polyci/core';
import { checked } from '../support/large';
import { composeDocument, emitCompose, usageComment } from '@polyci/compose';
import { byName, oneByName } from '../../packages/compose/src/names';

function largePipeline(jobs: number, vendor: Record<string, unknown>): Pipeline {
  const input: PipelineInput = { name: 'large $1', env: { TZ: 'UTC', PRICE: '$5' }, vendor: { compose: vendor }, jobs: {} };
  for (let i = 0; i < jobs; i++) {
    input.jobs[`j${i}`] = {
      name: `job ${i} costs $${i}`,
      needs: i > 0 && i % 50 === 0 ? [`j${i - 1}`] : [],
      env: { N: `${i}` },
      ...(i % 97 === 5 ? { conditions: { manual: true } } : {}),
      ...(i % 3 === 0 ? { docker: { strategy: 'dind' as const, version: '27.3.1' } } : {}),
      services: i % 2 === 0 ? [{ alias: 'db', image: 'postgres:16', env: { POSTGRES_PASSWORD: 'pa$$' } }] : [],
      ...(i === 7 ? { vendor: { compose: { 'x-polyci-services': { db: { restart: 'no' } } } } } : {}),
      steps: [{ checkout: {} }, { name: 'Test', run: `echo "$${i}"\nnpm test -- --shard=${i}` }],
    };
  }
  return checked(input);
}

function yamlOf(pipeline: Pipeline): string {
  const result = emitCompose(pipeline, { source: 'ci.config.ts' });
  expect(result.diagnostics.filter((d) => d.severity === 'error')).toEqual([]);
  const text = result.files[0].contents;
  const start = text.indexOf(`${usageComment}\n`);
  expect(start).toBeGreaterThan(0);
  return text.slice(start + usageComment.length + 1);
}

describe('a pipeline larger than one batch of services', () => {
  it('written in batches, is the text of one toYaml of the document', () => {
    // vendor keys before (an array index sorts first) and after the services
    const pipeline = largePipeline(400, { '1': 'one', networks: { extra: {} }, 'x-tail': { a: '$$b' } });
    const yaml = yamlOf(pipeline);
    expect(yaml).toBe(toYaml(composeDocument(pipeline).document as unknown as YamlValue));
    expect(yaml.startsWith('"1": one\nx-polyci:\n')).toBe(true);
    expect(yaml).toContain('\nx-tail:\n');
    expect(yaml.match(/^ {2}j\d+:$/gm)).toHaveLength(400);
  });

  it('with a vendor services map, is the text of one toYaml of the document', () => {
    const pipeline = largePipeline(300, { services: { extra: { image: 'busybox' }, j0: { restart: 'no' } } });
    const yaml = yamlOf(pipeline);
    expect(yaml).toBe(toYaml(composeDocument(pipeline).document as unknown as YamlValue));
    expect(yaml).toContain('\n  extra:\n    image: busybox\n');
  });
});

describe('objects keyed by job and service names (byName)', () => {
  it('are plain objects: Object.prototype, keys in insertion order, __proto__ a key', () => {
    const o = byName<number>();
    expect(Object.getPrototypeOf(o)).toBe(Object.prototype);
    expect(Object.keys(o)).toEqual([]);
    o.b = 1;
    o.a = 2;
    o.c = 3;
    expect(Object.keys(o)).toEqual(['b', 'a', 'c']);
    expect(toYaml(o)).toBe('b: 1\na: 2\nc: 3\n');
    const p = oneByName('__proto__', { aliases: ['x'] });
    expect(Object.getPrototypeOf(p)).toBe(Object.prototype);
    expect(Object.keys(p)).toEqual(['__proto__']);
    expect(oneByName('j1', 5)).toEqual({ j1: 5 });
  });
});
