/**
 * Hostile strings survive: parse the emitted file with the yaml package (YAML 1.2 and
 * 1.1, as GitLab's Ruby parser reads it) and undo GitLab's own `$$` escape; every
 * user string comes back exactly, and the keys, jobs and script items are exactly
 * what the IR implies.
 */
import fc from 'fast-check';
import { parse } from 'yaml';
import { emitGitlab, jobKeys, readMeta, readinessWait, stepNameComment, unescapeLiteral, unescapeVariableValue } from '@polyci/gitlab';
import { buildImageCommands, callsDocker, jobStrategy, strategyFacts, type Pipeline } from '@polyci/core';
import { hostileString, pipelineArb } from '../support/arbitraries';

const hostileStringForNames = hostileString();

function expectedScript(pipeline: Pipeline, id: string): string[] {
  const job = pipeline.jobs[id];
  const s = jobStrategy(job);
  const daemon = s !== undefined && strategyFacts[s.strategy].daemon !== 'none';
  const out: string[] = [];
  let waited = false;
  for (const step of job.steps) {
    if ('checkout' in step || 'vendor' in step) continue;
    if (daemon && !waited && ('buildImage' in step || callsDocker(step.run))) {
      out.push(readinessWait);
      waited = true;
    }
    const body = 'run' in step ? step.run : buildImageCommands(step.buildImage, s!).join('\n');
    out.push(step.name !== undefined ? `${stepNameComment(step.name)}\n${body}` : body);
  }
  return out;
}

function unescapeAll(record: Record<string, unknown> | undefined): Record<string, string> {
  return Object.fromEntries(Object.entries(record ?? {}).map(([k, v]) => [k, unescapeVariableValue(String(v))]));
}

it('user strings come back exactly and nothing else appears (YAML 1.2 and 1.1)', () => {
  fc.assert(
    fc.property(pipelineArb, (pipeline) => {
      const text = emitGitlab(pipeline, { source: 'ci.config.ts' }).files[0].contents;
      for (const version of ['1.2', '1.1'] as const) {
        const doc = parse(text, { version, uniqueKeys: true }) as Record<string, any>;
        const ids = Object.keys(pipeline.jobs);
        const keys = jobKeys(ids);
        const expectedTop = ['workflow', 'stages', ...(Object.keys(pipeline.env).length > 0 ? ['variables'] : []), ...ids.map((id) => keys[id])];
        expect(Object.keys(doc)).toEqual(expectedTop);
        expect(unescapeLiteral(doc.workflow.name)).toBe(pipeline.name);
        expect(unescapeAll(doc.variables)).toEqual(Object.keys(pipeline.env).length > 0 ? pipeline.env : {});
        for (const id of ids) {
          const job = pipeline.jobs[id];
          const emitted = doc[keys[id]];
          expect(emitted.script).toEqual(expectedScript(pipeline, id));
          expect(emitted.needs).toEqual(job.needs.map((n) => keys[n]));
          const vars = unescapeAll(emitted.variables);
          for (const [k, v] of Object.entries(job.env)) expect(vars[k]).toBe(v);
          if (job.image !== undefined && !['kaniko', 'buildah', 'buildkit'].includes(jobStrategy(job)?.strategy ?? '')) expect(emitted.image).toBe(job.image);
        }
        const meta = readMeta(text);
        for (const id of ids) expect(meta?.jobs?.[id]?.name).toBe(pipeline.jobs[id].name);
      }
    }),
    { numRuns: 250, seed: 7 },
  );
});

it('a step name cannot add a line to the script', () => {
  fc.assert(
    fc.property(fc.oneof(fc.string(), fc.fullUnicodeString(), hostileStringForNames), (name) => {
      expect(stepNameComment(name)).toMatch(/^# "[\x20-\x7e]*"$/);
      expect(stepNameComment(name).startsWith('# ')).toBe(true);
    }),
    { numRuns: 300 },
  );
});
