import { InputError } from '@backstage/errors';
import { z } from 'zod';

/** Parses input with a zod schema; a failure names the path of each bad field. */
export function parseInput<S extends z.ZodType>(
  schema: S,
  input: unknown,
  what: string,
): z.output<S> {
  const result = schema.safeParse(input);
  if (result.success) return result.data;
  const problems = result.error.issues
    .slice(0, 10)
    .map(
      issue =>
        `${issue.path.length ? issue.path.join('.') : '(body)'}: ${issue.message}`,
    )
    .join('; ');
  throw new InputError(`Invalid ${what}: ${problems}`);
}

/** The largest page a list route returns (README "REST API"). */
const MAX_LIST_LIMIT = 500;

/**
 * A list route's `limit`: a whole number from 1 to 500, `defaultLimit` when absent;
 * anything else is a 400 naming it, so a client never gets an unbounded list.
 */
export function listLimit(query: unknown, defaultLimit: number): number {
  return parseInput(
    z
      .object({
        limit: z.coerce
          .number()
          .int()
          .min(1)
          .max(MAX_LIST_LIMIT)
          .default(defaultLimit),
      })
      .loose(),
    query,
    'query',
  ).limit;
}
