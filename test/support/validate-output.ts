/** Run the right real validator over generated files of any target, batched where the tool allows. */
import type { OutputFile, TargetId } from '@polyci/core';
import { lintJenkinsfiles, validateBuildkitePipeline, validateCompose, validateGithubWorkflow, validateGitlabCiMany, validateGroovySyntax, type Finding } from '../validators';

export interface Generated {
  /** A label for messages: the source of the file. */
  label: string;
  target: TargetId;
  file: OutputFile;
  /** Self-hosted runner labels the pipeline declares (what a user lists in actionlint.yaml). */
  runnerLabels?: string[];
}

/** Findings per generated file (empty arrays mean valid). Jenkins gets the Groovy parser and, unless `lint` is false, npm-groovy-lint. */
export async function validateGenerated(files: readonly Generated[], options: { lint?: boolean } = {}): Promise<{ label: string; path: string; findings: Finding[] }[]> {
  const results: { label: string; path: string; findings: Finding[] }[] = [];
  const gitlab = files.filter((f) => f.target === 'gitlab');
  const gitlabFindings = await validateGitlabCiMany(gitlab.map((f) => f.file.contents));
  gitlab.forEach((f, i) => results.push({ label: f.label, path: f.file.path, findings: gitlabFindings[i] }));
  for (const f of files.filter((x) => x.target === 'github')) {
    const findings = await validateGithubWorkflow(f.file.contents, f.file.path, f.runnerLabels?.length ? { runnerLabels: f.runnerLabels } : undefined);
    results.push({ label: f.label, path: f.file.path, findings });
  }
  for (const f of files.filter((x) => x.target === 'buildkite')) results.push({ label: f.label, path: f.file.path, findings: await validateBuildkitePipeline(f.file.contents, f.file.path) });
  for (const f of files.filter((x) => x.target === 'compose')) results.push({ label: f.label, path: f.file.path, findings: await validateCompose(f.file.contents, { allowComposeV2Keys: true }) });
  const jenkins = files.filter((f) => f.target === 'jenkins');
  if (jenkins.length > 0) {
    const groovyFiles = jenkins.map((f, i) => ({ name: `J${i}/Jenkinsfile`, text: f.file.contents }));
    const syntax = await validateGroovySyntax(groovyFiles);
    const lint = options.lint === false ? [] : await lintJenkinsfiles(groovyFiles);
    jenkins.forEach((f, i) => {
      const name = `J${i}/Jenkinsfile`;
      results.push({ label: f.label, path: f.file.path, findings: [...syntax, ...lint].filter((x) => x.file === name || x.file.endsWith(`/${name}`)) });
    });
  }
  return results;
}
