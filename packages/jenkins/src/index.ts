import { generatedMarker, type Target } from '@polyci/core';
import { emitJenkins } from './emit';

export { emitJenkins } from './emit';
export { groovyString, groovySingleQuoted, groovyTripleQuoted, labelExpression } from './groovy';
export { readOptions, type JenkinsOptions } from './options';
export { readinessLabel } from './steps';

/** Jenkins declarative pipelines: one Jenkinsfile per pipeline. */
export const jenkinsTarget: Target = {
  id: 'jenkins',
  title: 'Jenkins declarative pipeline (Jenkinsfile)',
  detect: (path, text) => /(^|\/)Jenkinsfile[^/]*$/.test(path) || (/\.(groovy|jenkinsfile)$/.test(path) && /^\s*pipeline\s*\{/m.test(text)) || text.includes(`${generatedMarker}`) && /^\s*pipeline\s*\{/m.test(text),
  emit: emitJenkins,
};
