/** The compose target: what the CLI knows of this package. */
import type { Target } from '@polyci/core';
import { emitCompose } from './emit';
import { importCompose } from './import/import';

/** compose.yaml, docker-compose.yml, compose.override.yaml ... */
const composeFileName = /(^|\/)(docker-)?compose(\.[\w.-]+)?\.ya?ml$/;

export const composeTarget: Target = {
  id: 'compose',
  title: 'docker compose, to run a pipeline on a developer machine (compose.yaml)',
  topology: { unit: 'compose runner service', beside: 'compose service' },
  detect: (path, text) => composeFileName.test(path) && /^services\s*:/m.test(text),
  emit: emitCompose,
  import: importCompose,
};
