import type { Target } from '@polyci/core';
import { emitJenkins } from './emit';
import { detectJenkinsfile, importJenkinsfiles } from './import';

export { emitJenkins } from './emit';
export { detectJenkinsfile, importJenkinsfile, importJenkinsfiles } from './import';
export { groovyString, groovySingleQuoted, groovyTripleQuoted, labelExpression } from './groovy';
export { readOptions, type JenkinsOptions } from './options';
export { readinessLabel } from './steps';

/** Jenkins declarative pipelines: one Jenkinsfile per pipeline, both directions. */
export const jenkinsTarget: Target = {
  id: 'jenkins',
  title: 'Jenkins declarative pipeline (Jenkinsfile)',
  topology: { unit: 'Jenkins agent pod', beside: 'pod container' },
  detect: detectJenkinsfile,
  emit: emitJenkins,
  import: importJenkinsfiles,
};
