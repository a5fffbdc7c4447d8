/**
 * A runner's command back to steps: polyci's own script shape exactly (names,
 * checkout marker, one `sh -ec` per step, readiness wait stripped), or a
 * hand-written command (`sh -c "..."`, a list, a plain string) as `run` steps, with
 * clean build/push lines turned into `buildImage` steps.
 */
import { shellQuote, type ConcreteStrategy, type Step } from '@polyci/core';
import { readinessWaits } from '../strategy';
import { unliteral } from '../interpolation';
import { argvOf } from '../model/service';
import { parseRunnerScript } from '../script';
import { splitStatements, type ShellStatement } from '../shell-statements';
import { readBuild, regenerates } from './build-commands';

/** Steps from a step body in polyci's shape: a build when it regenerates exactly. */
function bodyStep(body: string, env: Record<string, string>, strategy: ConcreteStrategy | undefined): Step {
  if (strategy && Object.keys(env).length === 0) {
    const statements = splitStatements(body);
    if (statements) {
      const read = readBuild(statements, 0);
      if (read && read.count === statements.length && regenerates(read.build, strategy, body)) return { buildImage: read.build };
    }
  }
  return Object.keys(env).length > 0 ? { run: body, env } : { run: body };
}

/** Remove the indentation every line shares, and blank lines around the text. */
export function dedent(text: string): string {
  const lines = text.replace(/\r\n/g, '\n').split('\n');
  while (lines.length > 0 && lines[0].trim() === '') lines.shift();
  while (lines.length > 0 && lines[lines.length - 1].trim() === '') lines.pop();
  const indent = Math.min(...lines.filter((l) => l.trim() !== '').map((l) => /^[ \t]*/.exec(l)![0].length));
  return lines.map((l) => l.slice(Number.isFinite(indent) ? indent : 0).trimEnd()).join('\n');
}

/** Does a build command fit the job's strategy? (docker for daemons, the builder's own tool otherwise) */
function fits(builder: string, strategy: ConcreteStrategy | undefined): boolean {
  if (!strategy) return false;
  if (builder === 'docker') return ['dind', 'dind-rootless', 'socket', 'socket-proxy'].includes(strategy.strategy);
  return builder === strategy.strategy;
}

/** A hand-written script as run steps, with the clean builds between them as buildImage steps. */
export function scriptSteps(script: string, strategy: ConcreteStrategy | undefined, workspace?: string): Step[] {
  const text = dedent(script);
  if (text === '') return [];
  const statements = /;;|<</.test(text) ? undefined : splitStatements(text);
  if (!statements) return [{ run: text }];
  const steps: Step[] = [];
  let pending: ShellStatement[] = [];
  const flush = () => {
    if (pending.length > 0) steps.push({ run: pending.map((s) => s.raw).join('\n') });
    pending = [];
  };
  let builds = 0;
  for (let i = 0; i < statements.length; ) {
    const read = readBuild(statements, i, workspace);
    if (read && fits(read.builder, strategy)) {
      flush();
      steps.push({ buildImage: read.build });
      builds++;
      i += read.count;
    } else pending.push(statements[i++]);
  }
  flush();
  // Without a build to lift out, the user's text stays exactly as written.
  return builds > 0 ? steps : [{ run: text }];
}

const shells = new Set(['sh', 'bash', 'ash', 'dash', 'zsh', '/bin/sh', '/bin/bash', '/bin/ash', '/usr/bin/env sh', '/busybox/sh']);

export interface CommandSteps {
  steps: Step[];
  /** It was polyci's own script (so the checkout marker placed the checkout). */
  ours: boolean;
  /** Words after the script that `sh -c` would take as $0, $1 ... */
  extraArgs: string[];
  /** Neither entrypoint nor command: the image's default command runs. */
  imageDefault: boolean;
}

/** The steps of a runner from its entrypoint and command (raw YAML values). */
export function commandSteps(entrypoint: unknown, command: unknown, strategy: ConcreteStrategy | undefined, workspace?: string): CommandSteps | undefined {
  let ep = entrypoint === undefined ? [] : argvOf(entrypoint);
  const cmd = command === undefined ? [] : argvOf(command);
  if (ep === undefined || cmd === undefined) return undefined;
  // `entrypoint: [""]` (or "") resets the image's entrypoint, as GitLab's kaniko recipe does
  if (ep.length === 1 && ep[0] === '') ep = [];
  // kaniko's image runs the executor itself: a command of flags is its arguments
  if (entrypoint === undefined && strategy?.strategy === 'kaniko' && cmd.length > 0 && cmd[0].startsWith('-')) ep = ['/kaniko/executor'];
  const argv = [...ep, ...cmd].map(unliteral);
  if (argv.length === 0) return { steps: [], ours: false, extraArgs: [], imageDefault: true };
  if (ep.length === 2 && ep[0] === 'sh' && ep[1] === '-ec' && cmd.length === 1) {
    const read = parseRunnerScript(argv[2], readinessWaits);
    if (read) {
      return {
        steps: read.steps.map((s) => {
          const named = s.name !== undefined ? { name: s.name } : {};
          return 'checkout' in s ? { ...named, checkout: {} } : { ...named, ...bodyStep(s.body, s.env, strategy) };
        }),
        ours: true,
        extraArgs: [],
        imageDefault: false,
      };
    }
  }
  let i = 0;
  if (argv[0] === '/usr/bin/env' || argv[0] === 'env') i = 1;
  if (shells.has(argv[i])) {
    const flag = argv.slice(i + 1).findIndex((a) => /^-[a-z]*c[a-z]*$/.test(a));
    if (flag >= 0) {
      const at = i + 1 + flag;
      const flags = argv.slice(i + 1, at + 1);
      if (flags.every((f) => /^-[a-z]+$/.test(f)) && argv[at + 1] !== undefined) {
        return { steps: scriptSteps(argv[at + 1], strategy, workspace), ours: false, extraArgs: argv.slice(at + 2), imageDefault: false };
      }
    }
  }
  return { steps: scriptSteps(argv.map(shellQuote).join(' '), strategy, workspace), ours: false, extraArgs: [], imageDefault: false };
}
