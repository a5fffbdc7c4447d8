/**
 * Stage and pipeline directives other than agent, environment and steps: `when`,
 * `input`, `options`, `triggers`, `post`.
 * https://www.jenkins.io/doc/book/pipeline/syntax/#when
 * https://www.jenkins.io/doc/book/pipeline/syntax/#options
 * https://www.jenkins.io/doc/book/pipeline/syntax/#triggers
 */
import type { Conditions, Triggers } from '@polyci/core';
import type { ImportContext } from './context';
import { body, booleanValue, callName, namedArg, numberValue, positional, statementCall, stringValue } from './evaluate';
import type { CallNode, Statement } from './syntax';

/** Calls of a directive block; anything else is reported. */
export function blockCalls(statements: Statement[], ctx: ImportContext, where: string): CallNode[] {
  const out: CallNode[] = [];
  for (const s of statements) {
    const c = statementCall(s);
    if (c && callName(c)) out.push(c);
    else ctx.report('PCI041', 'warning', `unsupported statement in ${where}: ${ctx.source(s).split('\n')[0].slice(0, 80)}`, s);
  }
  return out;
}

function branchOf(c: CallNode, ctx: ImportContext): string | undefined {
  if (callName(c) !== 'branch') return undefined;
  const comparator = stringValue(namedArg(c, 'comparator'), ctx);
  if (comparator !== undefined && comparator !== 'GLOB') return undefined;
  return stringValue(namedArg(c, 'pattern') ?? positional(c)[0]?.value, ctx);
}

function isAnyTag(c: CallNode, ctx: ImportContext): boolean {
  const name = callName(c);
  if (name === 'buildingTag') return true;
  if (name !== 'tag') return false;
  const pattern = stringValue(namedArg(c, 'pattern') ?? positional(c)[0]?.value, ctx);
  return pattern === '*' || pattern === undefined;
}

/** `when {}` to conditions; what the IR cannot say is kept under vendor.jenkins.when. */
export function readWhen(call: CallNode, conditions: Conditions, vendor: Record<string, unknown>, ctx: ImportContext): void {
  const kept: string[] = [];
  const calls = blockCalls(body(call), ctx, 'when').filter((c) => !['beforeAgent', 'beforeInput', 'beforeOptions'].includes(callName(c)!));
  // Declarative ANDs the conditions of a when block: only one can become IR conditions.
  const mapped = calls.length === 1 ? calls[0] : undefined;
  for (const c of calls) {
    if (c === mapped) {
      const branch = branchOf(c, ctx);
      if (branch !== undefined) {
        conditions.branches = [...(conditions.branches ?? []), branch];
        continue;
      }
      if (isAnyTag(c, ctx)) {
        conditions.tags = true;
        continue;
      }
      if (callName(c) === 'triggeredBy' && /UserIdCause/.test(stringValue(positional(c)[0]?.value, ctx) ?? stringValue(namedArg(c, 'cause'), ctx) ?? '')) {
        conditions.manual = true;
        continue;
      }
      if (callName(c) === 'anyOf') {
        const inner = blockCalls(body(c), ctx, 'anyOf');
        const branches = inner.map((i) => branchOf(i, ctx));
        const tags = inner.map((i) => isAnyTag(i, ctx));
        if (inner.length > 0 && inner.every((_, i) => branches[i] !== undefined || tags[i])) {
          const names = branches.filter((b): b is string => b !== undefined);
          if (names.length > 0) conditions.branches = [...(conditions.branches ?? []), ...names];
          if (tags.some(Boolean)) conditions.tags = true;
          continue;
        }
      }
    }
    kept.push(ctx.source(c));
    ctx.report('PCI042', 'warning', `when condition ${callName(c)} has no polyci meaning: kept under vendor.jenkins.when, and the job runs without it elsewhere`, c, 'use branch, buildingTag() or anyOf of those');
  }
  if (kept.length > 0) vendor.when = kept.join('\n');
}

/** `input { message ... }`: the stage waits for a person, which is polyci's manual condition. */
export function readInput(call: CallNode, conditions: Conditions, vendor: Record<string, unknown>, ctx: ImportContext): void {
  conditions.manual = true;
  const extra = blockCalls(body(call), ctx, 'input').filter((c) => callName(c) !== 'message');
  if (extra.length > 0) {
    vendor.input = ctx.source(call);
    ctx.report('PCI042', 'info', 'input options other than message are kept under vendor.jenkins.input', call);
  }
}

const minutesPer: Record<string, number> = { SECONDS: 1 / 60, MINUTES: 1, HOURS: 60, DAYS: 1440, MILLISECONDS: 1 / 60000 };

export interface StageOptions {
  timeoutMinutes?: number;
  retry?: number;
  skipDefaultCheckout?: boolean;
}

/** `options {}` of a stage or the pipeline. */
export function readOptions(call: CallNode, options: StageOptions, vendor: Record<string, unknown>, ctx: ImportContext, pipelineLevel: boolean): void {
  const kept: string[] = [];
  for (const c of blockCalls(body(call), ctx, 'options')) {
    const name = callName(c);
    if (name === 'timeout' && !pipelineLevel) {
      const time = numberValue(namedArg(c, 'time') ?? positional(c)[0]?.value);
      const unit = stringValue(namedArg(c, 'unit'), ctx) ?? 'MINUTES';
      if (time !== undefined && minutesPer[unit] !== undefined) {
        options.timeoutMinutes = Math.min(10080, Math.max(1, Math.ceil(time * minutesPer[unit])));
        continue;
      }
    }
    if (name === 'retry' && !pipelineLevel) {
      const count = numberValue(positional(c)[0]?.value ?? namedArg(c, 'count'));
      if (count !== undefined && count >= 1) {
        // retry(n) counts attempts; polyci counts retries after the first, at most 2
        if (count > 3) ctx.report('PCI041', 'warning', `retry(${count}) is more than polyci's 2 retries: kept at 2`, c);
        options.retry = Math.min(2, count - 1);
        continue;
      }
    }
    if (name === 'skipDefaultCheckout') {
      options.skipDefaultCheckout = booleanValue(positional(c)[0]?.value) ?? true;
      continue;
    }
    kept.push(ctx.source(c));
    ctx.report('PCI042', 'info', `option ${name} has no polyci meaning: kept under vendor.jenkins.options`, c);
  }
  if (kept.length > 0) vendor.options = [...((vendor.options as string[] | undefined) ?? []), ...kept];
}

/** Jenkins' `H` (a hash-chosen value) in a cron spec, as a fixed one other schedulers read. */
function portableCron(spec: string): string {
  return spec
    .split(/\s+/)
    .map((f) => f.replace(/^H\((\d+)-\d+\)/, '$1').replace(/^H\//, '*/').replace(/^H$/, '0'))
    .join(' ');
}

/** `triggers {}` of the pipeline. */
export function readTriggers(call: CallNode, triggers: Triggers, vendor: Record<string, unknown>, ctx: ImportContext): void {
  const kept: string[] = [];
  for (const c of blockCalls(body(call), ctx, 'triggers')) {
    const name = callName(c);
    const spec = stringValue(namedArg(c, 'spec') ?? positional(c)[0]?.value, ctx);
    if (name === 'cron' && spec !== undefined) {
      const lines = spec.split('\n').map((l) => l.trim()).filter((l) => l !== '' && !l.startsWith('#') && !/^TZ=/.test(l));
      for (const line of lines) {
        const cron = portableCron(line);
        if (!/^(\S+\s+){4}\S+$/.test(cron)) {
          ctx.report('PCI041', 'warning', `cron spec "${line}" is not five fields`, c);
          continue;
        }
        if (cron !== line) ctx.report('PCI042', 'info', `cron "${line}" uses Jenkins' H (hash): read as "${cron}"`, c);
        triggers.schedule = [...(triggers.schedule ?? []), { cron }];
      }
      continue;
    }
    if (name === 'pollSCM' || name === 'githubPush') {
      triggers.push ??= {};
      ctx.report('PCI042', 'info', `${name} is read as a push trigger`, c);
      continue;
    }
    kept.push(ctx.source(c));
    ctx.report('PCI042', 'info', `trigger ${name} has no polyci meaning: kept under vendor.jenkins.triggers`, c);
  }
  if (kept.length > 0) vendor.triggers = kept;
}

/**
 * `post {}` of a stage: polyci writes artifacts as `success { archiveArtifacts(...) }`;
 * everything else is kept under vendor.jenkins.post.
 */
export function readStagePost(call: CallNode, artifacts: string[], vendor: Record<string, unknown>, ctx: ImportContext): void {
  const kept: string[] = [];
  for (const condition of blockCalls(body(call), ctx, 'post')) {
    const steps = body(condition);
    const archives = steps.map(statementCall).filter((c): c is CallNode => !!c && callName(c) === 'archiveArtifacts');
    if (callName(condition) === 'success' && archives.length === steps.length && archives.length > 0) {
      const patterns = archives.map((a) => stringValue(namedArg(a, 'artifacts') ?? positional(a)[0]?.value, ctx));
      if (patterns.every((p): p is string => p !== undefined)) {
        artifacts.push(...patterns.flatMap((p) => p.split(',').map((x) => x.trim()).filter((x) => x !== '')));
        continue;
      }
    }
    kept.push(ctx.source(condition));
    ctx.report('PCI042', 'warning', `post condition ${callName(condition)} has no polyci meaning: kept under vendor.jenkins.post`, condition, 'move the steps into the job, or keep them for Jenkins only');
  }
  if (kept.length > 0) vendor.post = kept.join('\n');
}
