/**
 * The Jenkinsfile view (see emit.ts) spelled as text. Plain string building: a pipeline
 * of thousands of stages rendered through template partials spent most of its time in
 * the template runtime (context copies, partial indentation by splitting every output).
 *
 * Every function appends to `o` and takes `p`, the indentation of the lines it writes. Only polyci's own
 * text and checked names are written bare; every IR string goes through groovy.ts.
 * A multi-line Groovy literal is written as is: its continuation lines are string
 * content, never indented.
 */
import { groovySingleQuoted, groovyString } from './groovy';
import type { AgentView, EnvEntry, JenkinsfileView, StageView } from './emit';
import type { ArgPart, StepView } from './steps';

/** A Groovy literal for an IR string; anything else is a bug in the view. */
function str(value: unknown): string {
  if (typeof value !== 'string') throw new TypeError(`a Groovy string literal needs a string, got ${typeof value}`);
  return groovyString(value);
}

/** Polyci's own GStrings: the vendor variables that the built-in POLYCI_* ones map to. */
function envRef(name: string): string {
  if (!/^[A-Z_]+$/.test(name)) throw new TypeError(`envRef expects a Jenkins variable name, got ${name}`);
  return `"\${env.${name}}"`;
}

/** A `//` comment ends at a line break; Groovy also reads \uXXXX escapes inside comments. */
function comment(text: string): string {
  return text.replace(/[\r\n\u2028\u2029]/g, ' ').replace(/\\/g, '/');
}

/** Raw Groovy text and its line break, every line indented (blank ones too) but not the end. */
function rawLines(text: string, p: string): string {
  return `${p}${text.split('\n').join(`\n${p}`)}\n`;
}

/** A Groovy string expression: literal parts joined with the build's own id variable. */
function concat(parts: ArgPart[]): string {
  let out = '';
  for (let i = 0; i < parts.length; i++) {
    const part = parts[i];
    if (i > 0) out += ' + ';
    out += 'id' in part ? 'polyciId' : str(part.text ?? '');
  }
  return out;
}

function list(values: string[]): string {
  let out = '';
  for (let i = 0; i < values.length; i++) out += i === 0 ? str(values[i]) : `, ${str(values[i])}`;
  return out;
}

function environment(o: string[], entries: EnvEntry[], p: string): void {
  o.push(p, 'environment {\n');
  for (const e of entries) {
    if (e.credential) o.push(p, '  ', e.name, ' = credentials(', str(e.credential), ')\n');
    else if (e.builtin) o.push(p, '  ', e.name, ' = ', envRef(e.builtin), '\n');
    else o.push(p, '  ', e.name, ' = ', str(e.value), '\n');
  }
  o.push(p, '}\n');
}

function agent(o: string[], a: AgentView, p: string): void {
  switch (a.template) {
    case 'agent-any':
      o.push(p, '  agent any\n');
      return;
    case 'agent-label':
      o.push(p, '  agent {\n', p, '    label ', str(a.label), '\n', p, '  }\n');
      return;
    case 'agent-kubernetes':
      o.push(p, '  agent {\n', p, '    kubernetes {\n', p, '      yaml ', str(a.yaml), '\n', p, '    }\n', p, '  }\n');
      return;
    case 'agent-docker':
      o.push(p, '  agent {\n', p, '    docker {\n', p, '      image ', str(a.image), '\n');
      if (a.args) o.push(p, '      args ', str(a.args), '\n');
      if (a.label) o.push(p, '      label ', str(a.label), '\n');
      o.push(p, '    }\n', p, '  }\n');
  }
}

function steps(o: string[], views: StepView[], p: string): void {
  for (const s of views) step(o, s, p);
}

function step(o: string[], s: StepView, p: string): void {
  switch (s.template) {
    case 'step-sh':
      if (s.label) o.push(p, 'sh(label: ', str(s.label), ', script: ', str(s.script), ')\n');
      else o.push(p, 'sh ', str(s.script), '\n');
      return;
    case 'step-raw':
      o.push(rawLines(s.groovy, p));
      return;
    case 'step-checkout':
      o.push(p, 'checkout scm\n');
      return;
    case 'step-container':
      o.push(p, 'container(', str(s.name), ') {\n');
      steps(o, s.steps, `${p}  `);
      o.push(p, '}\n');
      return;
    case 'step-with-env':
      o.push(p, 'withEnv([', list(s.env), ']) {\n');
      steps(o, s.steps, `${p}  `);
      o.push(p, '}\n');
      return;
    case 'step-docker-workflow': {
      o.push(
        `${p}script {\n`,
        `${p}  String polyciId = 'polyci-' + env.BUILD_TAG.replaceAll('[^A-Za-z0-9_.-]', '-') + ${str(s.suffix)}\n`,
        `${p}  List polyciSidecars = []\n`,
        `${p}  withEnv(['POLYCI_ID=' + polyciId]) {\n`,
        `${p}    sh(label: 'polyci: create the build network', script: 'docker network create "$POLYCI_ID"')\n`,
        `${p}    try {\n`,
      );
      for (const c of s.sidecars) {
        const run = `polyciSidecars << docker.image(${str(c.image)}).run(${concat(c.args)}${c.command ? `, ${str(c.command)}` : ''})\n`;
        if (c.env.length > 0) o.push(p, '      withEnv([', list(c.env), ']) {\n', p, '        ', run, p, '      }\n');
        else o.push(p, '      ', run);
      }
      for (const g of s.groups) {
        if (g.image) {
          o.push(p, '      docker.image(', str(g.image), ').inside(', concat(g.args), ') {\n');
          steps(o, g.steps, `${p}        `);
          o.push(p, '      }\n');
        } else {
          steps(o, g.steps, `${p}      `);
        }
      }
      o.push(
        `${p}    } finally {\n`,
        `${p}      polyciSidecars.reverse().each { sidecar -> sidecar.stop() }\n`,
        `${p}      sh(label: 'polyci: remove the build network', script: ${str(s.cleanup)})\n`,
        `${p}    }\n${p}  }\n${p}}\n`,
      );
    }
  }
}

function stage(o: string[], s: StageView, p: string): void {
  if (s.job) o.push(rawLines(`// polyci job: ${s.job}`, p));
  o.push(p, 'stage(', str(s.name), ') {\n');
  agent(o, s.agent, p);
  const when = s.when;
  if (when) {
    o.push(p, '  when {\n', p, '    beforeAgent true\n');
    // Several conditions: any of them (declarative ANDs the conditions of a when block).
    const q = when.any ? `${p}      ` : `${p}    `;
    if (when.any) o.push(p, '    anyOf {\n');
    for (const b of when.branches) o.push(q, 'branch ', str(b), '\n');
    if (when.tag) o.push(q, 'buildingTag()\n');
    if (when.any) o.push(p, '    }\n');
    o.push(p, '  }\n');
  }
  if (s.input) o.push(p, '  input {\n', p, '    message ', str(s.input), '\n', p, '  }\n');
  const opts = s.options;
  if (opts) {
    o.push(p, '  options {\n');
    if (opts.timeoutMinutes) o.push(p, `    timeout(time: ${opts.timeoutMinutes}, unit: 'MINUTES')\n`);
    if (opts.retry) o.push(p, `    retry(${opts.retry})\n`);
    if (opts.skipDefaultCheckout) o.push(p, '    skipDefaultCheckout()\n');
    o.push(p, '  }\n');
  }
  if (s.environment.length > 0) environment(o, s.environment, `${p}  `);
  o.push(p, '  steps {\n');
  steps(o, s.steps, `${p}    `);
  o.push(p, '  }\n');
  if (s.artifacts.length > 0) {
    o.push(p, '  post {\n', p, '    success {\n');
    for (const a of s.artifacts) o.push(p, '      archiveArtifacts(artifacts: ', str(a), ', allowEmptyArchive: false)\n');
    o.push(p, '    }\n', p, '  }\n');
  }
  o.push(p, '}\n');
}

/** The Jenkinsfile view (see emit.ts) as text in pieces, in order (the stages are a few large ones). */
export function jenkinsfilePieces(view: JenkinsfileView): string[] {
  // Pieces, not `+=`: a 30 MB file built by `+=` is millions of intermediate strings.
  const o: string[] = [];
  for (const line of view.header) o.push('// ', comment(line), '\n');
  o.push('// pipeline: ', groovySingleQuoted(view.name), '\npipeline {\n  agent none\n');
  if (view.triggers.length > 0) {
    o.push('  triggers {\n');
    for (const cron of view.triggers) o.push('    cron(', str(cron), ')\n');
    o.push('  }\n');
  }
  if (view.environment.length > 0) environment(o, view.environment, '  ');
  o.push('  stages {\n');
  for (const text of view.stages) o.push(text);
  o.push('  }\n}\n');
  return o;
}

/** Stages per joined chunk of a StageWriter. */
const stagesPerChunk = 64;

/**
 * Writes the stages as emit makes them, so that a stage's view dies as soon as it is
 * written: a wide level of the job graph is one parallel stage of thousands of jobs, and
 * holding all their views until the end made the garbage collector move them all. The
 * pieces are joined every `stagesPerChunk` stages.
 */
export class StageWriter {
  private readonly chunks: string[] = [];
  private o: string[] = [];
  private count = 0;
  private inParallel = false;

  stage(view: StageView): void {
    stage(this.o, view, this.inParallel ? '        ' : '    ');
    if (++this.count % stagesPerChunk === 0) this.flush();
  }

  /** Open a parallel stage: the stages written until `closeParallel` run in it. */
  openParallel(name: string): void {
    this.o.push('    stage(', str(name), ') {\n      parallel {\n');
    this.inParallel = true;
  }

  closeParallel(): void {
    this.o.push('      }\n    }\n');
    this.inParallel = false;
  }

  /** The stages' text, in chunks. */
  done(): string[] {
    this.flush();
    return this.chunks;
  }

  private flush(): void {
    if (this.o.length > 0) this.chunks.push(this.o.join(''));
    this.o = [];
  }
}
