/**
 * The secrets a job reads, by name: Jenkins binds each as a credential of the same id
 * (`NAME = credentials('NAME')`), so no value is ever written.
 * https://www.jenkins.io/doc/book/pipeline/jenkinsfile/#handling-credentials
 */
import type { Job } from '@polyci/core';

/** Secrets a job reads: its own, and those its builds log in or mount with. */
export function jobSecrets(job: Job): string[] {
  const names = new Set(job.secrets);
  for (const s of job.steps) {
    if (!('buildImage' in s)) continue;
    if (s.buildImage.login) {
      names.add(s.buildImage.login.usernameSecret);
      names.add(s.buildImage.login.passwordSecret);
    }
    for (const secret of Object.values(s.buildImage.secrets)) names.add(secret);
  }
  return [...names];
}
