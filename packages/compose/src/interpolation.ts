/**
 * Compose interpolates `$NAME`, `${NAME}` and `${NAME:-default}` in every string
 * of the file, from the environment of whoever runs `docker compose`; `$$` is a
 * literal `$`. https://docs.docker.com/reference/compose-file/interpolation/
 */

/** A user string that the container must see exactly as the IR says it. */
export function literal(value: string): string {
  // Most strings hold no `$`; split and join would copy each of them.
  if (!value.includes('$')) return value;
  return value.split('$').join('$$');
}

/** The inverse of `literal`, for strings polyci wrote. */
export function unliteral(value: string): string {
  return value.split('$$').join('$');
}

/** A variable taken from the developer's environment, with a default when unset or empty. */
export function fromEnvironment(name: string, fallback: string): string {
  return `\${${name}:-${fallback}}`;
}
