/**
 * The Jenkinsfile view (see emit.ts) spelled as text. Plain string building: a pipeline
 * of thousands of stages rendered through template partials spent most of its time in
 * the template runtime (context copies, partial indentation by splitting every output).
 *
 * Every function takes `p`, the indentation of the lines it writes. Only polyci's own
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

function environment(entries: EnvEntry[], p: string): string {
  let out = `${p}environment {\n`;
  for (const e of entries) {
    if (e.credential) out += `${p}  ${e.name} = credentials(${str(e.credential)})\n`;
    else if (e.builtin) out += `${p}  ${e.name} = ${envRef(e.builtin)}\n`;
    else out += `${p}  ${e.name} = ${str(e.value)}\n`;
  }
  return `${out}${p}}\n`;
}

function agent(a: AgentView, p: string): string {
  switch (a.template) {
    case 'agent-any':
      return `${p}  agent any\n`;
    case 'agent-label':
      return `${p}  agent {\n${p}    label ${str(a.label)}\n${p}  }\n`;
    case 'agent-kubernetes':
      return `${p}  agent {\n${p}    kubernetes {\n${p}      yaml ${str(a.yaml)}\n${p}    }\n${p}  }\n`;
    case 'agent-docker': {
      let out = `${p}  agent {\n${p}    docker {\n${p}      image ${str(a.image)}\n`;
      if (a.args) out += `${p}      args ${str(a.args)}\n`;
      if (a.label) out += `${p}      label ${str(a.label)}\n`;
      return `${out}${p}    }\n${p}  }\n`;
    }
  }
}

function steps(views: StepView[], p: string): string {
  let out = '';
  for (const s of views) out += step(s, p);
  return out;
}

function step(s: StepView, p: string): string {
  switch (s.template) {
    case 'step-sh':
      return s.label ? `${p}sh(label: ${str(s.label)}, script: ${str(s.script)})\n` : `${p}sh ${str(s.script)}\n`;
    case 'step-raw':
      return rawLines(s.groovy, p);
    case 'step-checkout':
      return `${p}checkout scm\n`;
    case 'step-container':
      return `${p}container(${str(s.name)}) {\n${steps(s.steps, `${p}  `)}${p}}\n`;
    case 'step-with-env':
      return `${p}withEnv([${list(s.env)}]) {\n${steps(s.steps, `${p}  `)}${p}}\n`;
    case 'step-docker-workflow': {
      let out =
        `${p}script {\n` +
        `${p}  String polyciId = 'polyci-' + env.BUILD_TAG.replaceAll('[^A-Za-z0-9_.-]', '-') + ${str(s.suffix)}\n` +
        `${p}  List polyciSidecars = []\n` +
        `${p}  withEnv(['POLYCI_ID=' + polyciId]) {\n` +
        `${p}    sh(label: 'polyci: create the build network', script: 'docker network create "$POLYCI_ID"')\n` +
        `${p}    try {\n`;
      for (const c of s.sidecars) {
        const run = `polyciSidecars << docker.image(${str(c.image)}).run(${concat(c.args)}${c.command ? `, ${str(c.command)}` : ''})\n`;
        out += c.env.length > 0 ? `${p}      withEnv([${list(c.env)}]) {\n${p}        ${run}${p}      }\n` : `${p}      ${run}`;
      }
      for (const g of s.groups) {
        out += g.image ? `${p}      docker.image(${str(g.image)}).inside(${concat(g.args)}) {\n${steps(g.steps, `${p}        `)}${p}      }\n` : steps(g.steps, `${p}      `);
      }
      return (
        `${out}${p}    } finally {\n` +
        `${p}      polyciSidecars.reverse().each { sidecar -> sidecar.stop() }\n` +
        `${p}      sh(label: 'polyci: remove the build network', script: ${str(s.cleanup)})\n` +
        `${p}    }\n${p}  }\n${p}}\n`
      );
    }
  }
}

function stage(s: StageView, p: string): string {
  let out = s.job ? rawLines(`// polyci job: ${s.job}`, p) : '';
  out += `${p}stage(${str(s.name)}) {\n${agent(s.agent, p)}`;
  const when = s.when;
  if (when) {
    out += `${p}  when {\n${p}    beforeAgent true\n`;
    // Several conditions: any of them (declarative ANDs the conditions of a when block).
    const q = when.any ? `${p}      ` : `${p}    `;
    if (when.any) out += `${p}    anyOf {\n`;
    for (const b of when.branches) out += `${q}branch ${str(b)}\n`;
    if (when.tag) out += `${q}buildingTag()\n`;
    if (when.any) out += `${p}    }\n`;
    out += `${p}  }\n`;
  }
  if (s.input) out += `${p}  input {\n${p}    message ${str(s.input)}\n${p}  }\n`;
  const o = s.options;
  if (o) {
    out += `${p}  options {\n`;
    if (o.timeoutMinutes) out += `${p}    timeout(time: ${o.timeoutMinutes}, unit: 'MINUTES')\n`;
    if (o.retry) out += `${p}    retry(${o.retry})\n`;
    if (o.skipDefaultCheckout) out += `${p}    skipDefaultCheckout()\n`;
    out += `${p}  }\n`;
  }
  if (s.environment.length > 0) out += environment(s.environment, `${p}  `);
  out += `${p}  steps {\n${steps(s.steps, `${p}    `)}${p}  }\n`;
  if (s.artifacts.length > 0) {
    out += `${p}  post {\n${p}    success {\n`;
    for (const a of s.artifacts) out += `${p}      archiveArtifacts(artifacts: ${str(a)}, allowEmptyArchive: false)\n`;
    out += `${p}    }\n${p}  }\n`;
  }
  return `${out}${p}}\n`;
}

/** Render the Jenkinsfile view (see emit.ts) to text. */
export function renderJenkinsfile(view: JenkinsfileView): string {
  let out = '';
  for (const line of view.header) out += `// ${comment(line)}\n`;
  out += `// pipeline: ${groovySingleQuoted(view.name)}\npipeline {\n  agent none\n`;
  if (view.triggers.length > 0) {
    out += '  triggers {\n';
    for (const cron of view.triggers) out += `    cron(${str(cron)})\n`;
    out += '  }\n';
  }
  if (view.environment.length > 0) out += environment(view.environment, '  ');
  out += '  stages {\n';
  for (const s of view.stages) {
    if ('parallel' in s) {
      out += `    stage(${str(s.name)}) {\n      parallel {\n`;
      for (const v of s.parallel) out += stage(v, '        ');
      out += '      }\n    }\n';
    } else {
      out += stage(s, '    ');
    }
  }
  return `${out}  }\n}\n`;
}
