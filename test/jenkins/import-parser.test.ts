/**
 * The chevrotain Groovy grammar of the importer: tokens (strings and their escapes,
 * GString parts, comments, separators), statement shapes, syntax errors with
 * line:col, and agreement with the real Groovy parser (test/validators' AST dump) on
 * every string that matters (sh scripts, stage names, pod YAML) in the fixtures, the
 * emitted examples and random emitted Jenkinsfiles full of hostile strings; and, on
 * randomly broken copies of those files, agreement with Groovy on what is valid at all.
 */
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import fc from 'fast-check';
import { compile } from '@polyci/core';
import { jenkinsTarget } from '@polyci/jenkins';
import { importJenkinsfiles } from '../../packages/jenkins/src/import';
import { callName } from '../../packages/jenkins/src/import/evaluate';
import { parseGroovy as parseWithChevrotain } from '../../packages/jenkins/src/import/parser';
import type { CallNode, Expr, Statement } from '../../packages/jenkins/src/import/syntax';
import { pipelineArb } from '../support/arbitraries';
import { exampleNames, loadExample } from '../support/examples';
import { findCalls, parseGroovy, type GroovyCall, type GroovyNode } from '../validators';

function parse(text: string): Statement[] {
  const r = parseWithChevrotain(text);
  expect(r.errors).toEqual([]);
  return r.statements;
}

function firstCall(text: string): CallNode {
  const s = parse(text)[0];
  if (s.kind !== 'expression' || s.expr.kind !== 'call') throw new Error(`not a call: ${JSON.stringify(s)}`);
  return s.expr;
}

/** Every call in a tree, depth first. */
function calls(node: unknown, out: CallNode[] = []): CallNode[] {
  if (Array.isArray(node)) for (const n of node) calls(n, out);
  else if (node && typeof node === 'object') {
    if ((node as CallNode).kind === 'call') out.push(node as CallNode);
    for (const v of Object.values(node)) if (v && typeof v === 'object') calls(v, out);
  }
  return out;
}

describe('strings', () => {
  const value = (src: string): Expr => firstCall(`f ${src}`).args[0].value;

  it('reads single-quoted strings with escapes', () => {
    expect(value(String.raw`'a\'b\\c\n\t\u00e9\$'`)).toMatchObject({ kind: 'string', value: "a'b\\c\n\té$" });
  });

  it('reads triple-quoted strings, with a line continuation after the quotes', () => {
    expect(value("'''\\\nline 1\nit\\'s'''")).toMatchObject({ kind: 'string', value: "line 1\nit's" });
    expect(value('"""\nx "y" z\n"""')).toMatchObject({ kind: 'string', value: '\nx "y" z\n' });
  });

  it('splits GStrings into text and ${...} / $name parts', () => {
    const g = value('"build ${env.BUILD_NUMBER} of $JOB_NAME.x \\$HOME ${[a: \'}\'].a}"');
    expect(g.kind).toBe('gstring');
    if (g.kind !== 'gstring') return;
    expect(g.parts.map((p) => (typeof p === 'string' ? p : p.source))).toEqual(['build ', 'env.BUILD_NUMBER', ' of ', 'JOB_NAME.x', ' $HOME ', "[a: '}'].a"]);
    const part = g.parts[1];
    expect(typeof part !== 'string' && part.expr).toMatchObject({ kind: 'property', name: 'BUILD_NUMBER', object: { kind: 'name', name: 'env' } });
  });

  it('reads slashy strings where a value is expected, and division elsewhere', () => {
    expect(firstCall('f(/a\\/b/)').args[0].value).toMatchObject({ kind: 'string', value: 'a/b' });
    const s = parse('x = a / b / c')[0];
    expect(s).toMatchObject({ kind: 'assign', value: { kind: 'binary', op: '/' } });
  });
});

describe('statements', () => {
  it('reads name(args) { block }, name args, name { block } and name = expr', () => {
    const stage = firstCall("stage('Build') { sh 'make' }");
    expect(callName(stage)).toBe('stage');
    expect(stage.args[0].value).toMatchObject({ value: 'Build' });
    expect(stage.closure?.body).toHaveLength(1);
    expect(firstCall('agent any').args[0].value).toMatchObject({ kind: 'name', name: 'any' });
    expect(firstCall('steps { }').closure?.body).toEqual([]);
    expect(parse("X = credentials('id')")[0]).toMatchObject({ kind: 'assign', target: { name: 'X' }, value: { kind: 'call' } });
  });

  it('reads named arguments, with and without parentheses', () => {
    const t = firstCall("timeout(time: 1, unit: 'HOURS')");
    expect(t.args.map((a) => a.name)).toEqual(['time', 'unit']);
    const sh = firstCall("sh script: 'make', label: 'Build'");
    expect(sh.command).toBe(true);
    expect(sh.args.map((a) => a.name)).toEqual(['script', 'label']);
  });

  it('reads lists, maps and closures with parameters', () => {
    const c = firstCall("checkout([$class: 'GitSCM', branches: [[name: '*/main']], extensions: []])");
    expect(c.args[0].value).toMatchObject({ kind: 'map', entries: [{ key: '$class' }, { key: 'branches', value: { kind: 'list' } }, { key: 'extensions' }] });
    const run = firstCall("docker.image('docker:dind').withRun('--privileged') { c -> sh 'x' }");
    expect(run.closure?.params).toEqual(['c']);
    expect(run.callee).toMatchObject({ kind: 'property', name: 'withRun', object: { kind: 'call' } });
    expect(firstCall('[:].each { k, v -> }').closure?.params).toEqual(['k', 'v']);
  });

  it('treats newlines as separators except where Groovy continues the statement', () => {
    const body = firstCall("pipeline\n{\n  agent any\n  stages {\n  }\n}").closure!.body;
    expect(body).toHaveLength(2);
    const chained = parse("def x = docker\n  .image('a')\n  .inside('-u 0')\nsh 'y'");
    expect(chained).toHaveLength(2);
    expect(parse('a = [1,\n2,\n3]; b = 1 +\n2')).toHaveLength(2);
    expect(parse("if (a) {\n  x()\n}\nelse {\n  y()\n}")).toMatchObject([{ kind: 'control', keyword: 'if', blocks: [[{}], [{}]] }]);
  });

  it('reads the Groovy around a pipeline: annotations, imports, methods, control flow', () => {
    const s = parse(`#!/usr/bin/env groovy
@Library('lib@1') _
import groovy.json.JsonOutput
def helper(String a, b = 2) { return a }
void other() { echo 'x' }
String name = 'v'
try { x() } catch (IOException | RuntimeException e) { y() } finally { z() }
for (int i = 0; i < 3; i++) { echo "\${i}" }
for (s in list) { echo s }
switch (x) { case 'a': echo 'a'; break; default: echo 'd' }
while (!done && n-- > 0) { done = check(n) ?: false }
def r = sh(script: 'git rev-parse HEAD', returnStdout: true).trim()
/* block
   comment */ pipeline { } // trailing`);
    expect(s.map((x) => x.kind)).toEqual(['annotation', 'expression', 'import', 'method', 'method', 'declaration', 'control', 'control', 'control', 'control', 'control', 'declaration', 'expression']);
  });
});

describe('syntax errors', () => {
  it.each([
    ["pipeline {\n  stage('x') {\n    sh 'unterminated\n  }\n}", 3, 8],
    ['pipeline {\n  agent any\n  }\n}', 4, 1],
    ['pipeline {\n  stages {\n', 3, 1],
    ['pipeline { agent any ) }', 1, 22],
  ])('reports PCI040 at line:col for %j', (text, line, column) => {
    const r = importJenkinsfiles([{ path: 'ci/Jenkinsfile', contents: text }]);
    const errors = r.diagnostics.filter((d) => d.severity === 'error');
    expect(errors).toHaveLength(1);
    expect(errors[0]).toMatchObject({ code: 'PCI040', file: 'ci/Jenkinsfile', line, column });
  });

  it('reports a scripted pipeline as PCI041 with its line, without guessing', () => {
    const r = importJenkinsfiles([{ path: 'Jenkinsfile', contents: "// scripted\n\nnode('linux') {\n  stage('x') { sh 'make' }\n}\n" }]);
    expect(r.diagnostics).toEqual([expect.objectContaining({ code: 'PCI041', severity: 'error', line: 3, column: 1, message: expect.stringContaining('scripted pipeline') })]);
    expect(r.pipeline.jobs).toEqual({});
  });
});

// ---------------------------------------------------------------------------------------------
// Agreement with the real Groovy parser

/** Constant strings of the calls that carry meaning, from our tree. */
function ourStrings(statements: Statement[]): string[] {
  const out: string[] = [];
  for (const c of calls(statements)) {
    const name = callName(c)?.split('.').pop();
    if (!name || !['sh', 'stage', 'yaml', 'image', 'cron', 'container', 'branch', 'message', 'label', 'args'].includes(name)) continue;
    for (const a of c.args) if (a.value.kind === 'string' && (a.name === undefined || a.name === 'script' || a.name === 'label')) out.push(`${name}:${a.value.value}`);
  }
  return out.sort();
}

/** The same strings from the Groovy AST dump. */
function groovyStrings(statements: GroovyNode[]): string[] {
  const out: string[] = [];
  for (const name of ['sh', 'stage', 'yaml', 'image', 'cron', 'container', 'branch', 'message', 'label', 'args']) {
    for (const c of findCalls(statements, name) as GroovyCall[]) {
      for (const a of c.args) if (typeof a === 'string') out.push(`${name}:${a}`);
      for (const [k, v] of Object.entries(c.named ?? {})) if ((k === 'script' || k === 'label') && typeof v === 'string') out.push(`${name}:${v}`);
    }
  }
  return out.sort();
}

it('reads the same strings as the real Groovy parser', async () => {
  const files: { name: string; text: string }[] = [];
  const fixtures = join(__dirname, '../fixtures/jenkins');
  for (const name of readdirSync(fixtures)) files.push({ name: `fixture ${name}`, text: readFileSync(join(fixtures, name, 'Jenkinsfile'), 'utf8') });
  for (const agent of ['kubernetes', 'docker']) {
    for (const name of exampleNames()) {
      const r = compile(loadExample(name), [jenkinsTarget], { source: 'ci.config.ts', jenkins: { agent } });
      for (const f of r.files) files.push({ name: `${name} (${agent})`, text: f.file.contents });
    }
    for (const [i, p] of fc.sample(pipelineArb, { numRuns: 40, seed: 4242 }).entries()) {
      const r = compile(p, [jenkinsTarget], { source: 'ci.config.ts', jenkins: { agent } });
      for (const f of r.files) files.push({ name: `random ${i} (${agent})`, text: f.file.contents });
    }
  }
  // the same files with random cuts and insertions: does our grammar accept what Groovy accepts?
  const valid = files.length;
  const mutations = fc.sample(fc.tuple(fc.nat(valid - 1), fc.nat(), fc.nat(8), fc.constantFrom('{', '}', '(', ')', "'", '"', '[', ']', '\n', ',', ':', '=', 'x', ' ', '.', '$', '/', '->')), { numRuns: 300, seed: 7 });
  for (const [i, [which, at, cut, insert]] of mutations.entries()) {
    const text = files[which].text;
    const k = at % (text.length + 1);
    files.push({ name: `mutation ${i}`, text: text.slice(0, k) + insert + text.slice(k + cut) });
  }
  const groovy = await parseGroovy(files);
  const refused: string[] = [];
  let lenient = 0;
  for (let i = valid; i < files.length; i++) {
    const ours = parseWithChevrotain(files[i].text).errors[0];
    if (groovy[i].errors.length === 0 && ours) refused.push(`${files[i].name}: ${ours.message}`);
    if (groovy[i].errors.length > 0 && !ours) lenient++;
  }
  // Never refuse what Groovy (so Jenkins) runs. The other way round, known leniencies: an open
  // `{ }` block where Groovy wants a label, and words Groovy reads as one command chain where we
  // read statements without separators; a few in a hundred.
  expect(refused).toEqual([]);
  expect(lenient).toBeLessThanOrEqual(12);
  files.splice(valid);
  const mismatches: string[] = [];
  files.forEach((f, i) => {
    expect(groovy[i].errors).toEqual([]);
    const ours = parseWithChevrotain(f.text);
    if (ours.errors.length > 0) mismatches.push(`${f.name}: ${JSON.stringify(ours.errors)}`);
    else if (JSON.stringify(ourStrings(ours.statements)) !== JSON.stringify(groovyStrings(groovy[i].statements))) mismatches.push(`${f.name}: ${JSON.stringify(ourStrings(ours.statements))} != ${JSON.stringify(groovyStrings(groovy[i].statements))}`);
  });
  expect(mismatches).toEqual([]);
  expect(files.length).toBeGreaterThan(100);
});
