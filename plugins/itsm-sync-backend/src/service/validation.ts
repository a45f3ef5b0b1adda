import { InputError } from '@backstage/errors';
import type { z } from 'zod';

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
