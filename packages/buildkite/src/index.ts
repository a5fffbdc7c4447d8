export { buildkiteTarget } from './target';
export { emitBuildkite, pipelinePath } from './emit';
export { escapeInterpolation, unescapeInterpolation, escapeEnvValue, builtinSources } from './interpolation';
export { readBuildkiteOptions, type BuildkiteOptions } from './options';
export { kubernetesPluginKeys } from './kubernetes';
export { importBuildkite } from './import';
