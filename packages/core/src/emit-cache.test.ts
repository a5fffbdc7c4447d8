import { compile } from './compile';
import { withEmitCache } from './emit-cache';
import type { BuildImage, Pipeline } from './ir';
import { buildImageCommands } from './strategy/commands';
import type { Target } from './target';
import { validatePipeline } from './validate';
import { usedBuiltins } from './variables';

const kaniko = { strategy: 'kaniko' } as const;

function build(tag: string): BuildImage {
  const checked = validatePipeline({ name: 'p', jobs: { a: { docker: { strategy: 'kaniko' }, steps: [{ buildImage: { tags: [tag], push: true } }] } } });
  const step = checked.pipeline!.jobs.a.steps[0];
  if (!('buildImage' in step)) throw new Error('no build');
  return step.buildImage;
}

describe('emit cache', () => {
  it('computes a build once per compile, and anew after the IR changed between calls', () => {
    const b = build('r.example.com/app:1');
    const first = buildImageCommands(b, kaniko as never);
    b.tags[0] = 'r.example.com/app:2';
    // outside a compile nothing is remembered: the changed build gives new commands
    expect(buildImageCommands(b, kaniko as never).join('\n')).toContain('app:2');
    expect(first.join('\n')).toContain('app:1');
    withEmitCache(() => {
      const a = buildImageCommands(b, kaniko as never);
      const again = buildImageCommands(b, kaniko as never);
      expect(again).toEqual(a);
      // each caller gets its own array
      again.push('mutated');
      expect(buildImageCommands(b, kaniko as never)).toEqual(a);
    });
    b.tags[0] = 'r.example.com/app:3';
    withEmitCache(() => expect(buildImageCommands(b, kaniko as never).join('\n')).toContain('app:3'));
  });

  it('gives every target of one compile the same answers, and a later compile fresh ones', () => {
    const seen: string[][] = [];
    const probe: Target = {
      id: 'gitlab',
      title: 'probe',
      detect: () => false,
      emit: (pipeline: Pipeline) => {
        seen.push(usedBuiltins(pipeline, pipeline.jobs.a));
        return { files: [], diagnostics: [] };
      },
    } as unknown as Target;
    const input = { name: 'p', jobs: { a: { steps: [{ run: 'echo $POLYCI_BUILD_NUMBER' }] } } };
    compile(input, [probe, probe]);
    input.jobs.a.steps[0].run = 'echo $POLYCI_COMMIT_SHA';
    compile(input, [probe]);
    expect(seen).toEqual([['POLYCI_BUILD_NUMBER'], ['POLYCI_BUILD_NUMBER'], ['POLYCI_COMMIT_SHA']]);
  });
});
