import type { Target } from '@polyci/core';
import { emitGithub } from './emit';
import { importGithub } from './import';

export { emitGithub, workflowSlug, workflowPath, builtinExpressions } from './emit';
export { escapeExpressions, unescapeExpressions, expressionsIn, literalExpressionOpener } from './expressions';
export { pinnedActions } from './actions';
export { importGithub } from './import';
export { buildFromScript } from './import-build';
export { shellWords } from '@polyci/core';
export { parseJobCondition } from './conditions';

/** GitHub Actions: `.github/workflows/<pipeline>.yml`. */
export const githubTarget: Target = {
  id: 'github',
  title: 'GitHub Actions (.github/workflows/*.yml)',
  topology: { unit: 'GitHub Actions job (container)', beside: 'service container' },
  detect: (path, text) => /(^|\/)\.github\/workflows\/[^/]+\.ya?ml$/.test(path) || (/^\s*on\s*:/m.test(text) && /^\s*jobs\s*:/m.test(text) && /runs-on\s*:/.test(text)),
  emit: emitGithub,
  import: importGithub,
};
