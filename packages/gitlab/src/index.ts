export { gitlabTarget, detectGitlab } from './target';
export { emitGitlab, gitlabFile, jobKeys } from './emit';
export { escapeVariableValue, unescapeVariableValue, escapeLiteral, unescapeLiteral } from './variables';
export { globToRegex, regexToGlobs, workflowRules, jobRules } from './rules';
export { readMeta, metaLine, type GitlabMeta } from './meta';
export { readinessWait, checkoutOnlyScript, stepNameComment } from './steps';
export { importGitlab } from './import';
