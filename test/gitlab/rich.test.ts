/**
 * pipelineArb leaves out triggers, conditions, services, step names and env, artifacts and
 * cache: here they get hostile strings too. Branch globs must stay inside their RE2
 * pattern (no clause can be added to a rule), service env must survive GitLab's `$`
 * expansion, and the whole pipeline must come back through the importer.
 */
import fc from 'fast-check';
import { parse } from 'yaml';
import { comparePipelines } from '@polyci/core';
import { emitGitlab, importGitlab, regexToGlobs, unescapeVariableValue } from '@polyci/gitlab';
import { richArb } from './rich-arbitrary';

/** The operand of `=~` in a rule, when the whole `if` is exactly variable =~ pattern (plus polyci's source clause). */
function patternOf(expr: string, variable: string): string | undefined {
  const m = new RegExp(`^(?:\\$CI_PIPELINE_SOURCE == "\\w+" && )?\\$${variable} =~ (/.*/)$`, 's').exec(expr);
  return m?.[1];
}

it('hostile branch names stay inside their patterns; service env, names and paths come back', () => {
  fc.assert(
    fc.property(richArb, (p) => {
      const text = emitGitlab(p).files[0].contents;
      const doc = parse(text, { version: '1.1' }) as Record<string, any>;
      const rules = doc.workflow.rules as { if: string }[];
      expect(regexToGlobs(patternOf(rules[0].if, 'CI_COMMIT_BRANCH')!)).toEqual(p.triggers.push!.branches);
      expect(regexToGlobs(patternOf(rules[1].if, 'CI_COMMIT_TAG')!)).toEqual(p.triggers.push!.tags);
      for (const rule of rules) expect(rule.if).not.toMatch(/\n/);
      expect(regexToGlobs(patternOf(doc.second.rules[0].if, 'CI_COMMIT_BRANCH')!)).toEqual(p.jobs.second.conditions!.branches);
      const service = doc.first.services[0];
      const env = Object.fromEntries(Object.entries(service.variables ?? {}).map(([k, v]) => [k, unescapeVariableValue(v as string)]));
      expect(env).toEqual(p.jobs.first.services[0].env ?? {});
      expect(doc.first.artifacts.paths).toEqual(p.jobs.first.artifacts!.paths);
      expect(doc.first.cache.key).toBe(p.jobs.first.cache!.key);

      const back = importGitlab([{ path: '.gitlab-ci.yml', contents: text }]);
      expect(comparePipelines(p, back.pipeline).differences).toEqual([]);
    }),
    { numRuns: 200 },
  );
});
