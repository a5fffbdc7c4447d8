/** Real vendor validators for polyci's tests. Each returns Finding[]; empty means valid. */
export type { Finding } from './common';
export { findJavaHome, SHARED_SCHEMAS, REPO_ROOT } from './common';
export { validateGithubWorkflow, initActionlint, CURRENT_GITHUB_HOSTED_LABELS } from './github';
export type { GithubValidateOptions } from './github';
export { validateGitlabCi, validateGitlabCiMany, runGitlabCiLocal, parseGitlabCiLocalStderr } from './gitlab';
export type { GitlabRunResult } from './gitlab';
export {
  validateBuildkitePipeline,
  checkKubernetesPlugin,
  findKubernetesPlugins,
  agentStackK8sPluginKeys,
  BUILDKITE_SCHEMA_PATH,
  K8S_PLUGIN_KEYS_PATH,
} from './buildkite';
export {
  parseGroovy,
  validateGroovySyntax,
  groovySyntaxFindings,
  lintJenkinsfiles,
  walkGroovy,
  findCalls,
  findGStrings,
} from './jenkins';
export type { GroovyFile, GroovyNode, GroovyCall, GroovyGString, GroovyParseResult } from './jenkins';
export { validateCompose, COMPOSE_SCHEMA_PATH, COMPOSE_V2_ONLY, stripComposeV2Keys } from './compose';
export type { ComposeValidateOptions } from './compose';
