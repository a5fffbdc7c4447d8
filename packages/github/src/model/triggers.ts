/**
 * `on:` in its three shapes: a string, a list of events, or a map of events to filters.
 * https://docs.github.com/en/actions/writing-workflows/workflow-syntax-for-github-actions#on
 */
import { z } from 'zod';

const filters = z.union([z.string(), z.array(z.string())]).transform((v) => (typeof v === 'string' ? [v] : v));

/** The filters of push / pull_request that the IR can hold; anything else stays with GitHub. */
export const PushFilterSchema = z.object({ branches: filters.optional(), tags: filters.optional() }).strict();
export const PullRequestFilterSchema = z.object({ branches: filters.optional() }).strict();
export const ScheduleSchema = z.array(z.object({ cron: z.string() }).strict());

/** `on:` as a map of event name to its configuration (null when the event has none). */
export function normalizeOn(on: unknown): Record<string, unknown> | undefined {
  if (typeof on === 'string') return { [on]: null };
  if (Array.isArray(on)) return on.every((e) => typeof e === 'string') ? Object.fromEntries(on.map((e) => [e, null])) : undefined;
  if (on && typeof on === 'object') return on as Record<string, unknown>;
  return undefined;
}
