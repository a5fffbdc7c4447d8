/**
 * POSIX shell quoting for strings that polyci places into commands it writes
 * (image tags, build args, paths). `$NAME` and `${NAME}` stay expandable so that
 * tags can use $POLYCI_BUILD_NUMBER; everything else (`$(...)`, backticks, quotes,
 * `;`, newlines) is literal.
 */

const variableReference = /\$(?:\{([A-Za-z_][A-Za-z0-9_]*)\}|([A-Za-z_][A-Za-z0-9_]*))/g;
const bareSafe = /^[A-Za-z0-9_@%+=:,./-]+$/;

/** Quote a literal string for sh: no expansion of any kind. */
export function shellQuote(literal: string): string {
  if (literal !== '' && bareSafe.test(literal)) return literal;
  return `'${literal.replace(/'/g, `'\\''`)}'`;
}

/** Quote a string for sh, keeping $NAME and ${NAME} references expandable. */
export function shellWord(value: string): string {
  if (value === '') return "''";
  if (!value.includes('$')) return shellQuote(value);
  let out = '';
  let last = 0;
  for (const m of value.matchAll(variableReference)) {
    const at = m.index ?? 0;
    if (at > last) out += shellQuote(value.slice(last, at));
    out += `"\${${m[1] ?? m[2]}}"`;
    last = at + m[0].length;
  }
  if (last < value.length) out += shellQuote(value.slice(last));
  return out;
}

/** Names of the variables a string references as $NAME or ${NAME}. */
export function referencedVariables(value: string): string[] {
  const names: string[] = [];
  if (!value.includes('$')) return names;
  for (const m of value.matchAll(variableReference)) names.push(m[1] ?? m[2]);
  return names;
}

/** Does a shell script call the docker CLI (docker, docker-compose, docker compose)? */
export function callsDocker(script: string): boolean {
  return /(^|[\s;&|(`!{])(docker|docker-compose)(?=\s|$)/m.test(script);
}

/** Does a shell script start containers (docker run/create/exec, compose up/run)? */
export function runsContainers(script: string): boolean {
  return /(^|[\s;&|(`!{])(docker\s+(run|create|exec|start|container\s+(run|create))|docker-compose\s|docker\s+compose\s)/m.test(script);
}
