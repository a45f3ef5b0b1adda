/**
 * Paths into a JSON response: `key`, `result.sys_id`, `data[0].id`, `[0].id`.
 * Segments are property names separated by dots, each optionally followed by indexes.
 */
type Step = string | number;

const SEGMENT = /^([A-Za-z_$@][\w$@-]*)?((?:\[\d+\])*)$/;

/** Parses a path, or throws an Error that quotes the bad part. */
export function parseResponsePath(path: string): Step[] {
  const trimmed = path.trim();
  if (!trimmed) throw new Error('must not be empty');
  const steps: Step[] = [];
  for (const segment of trimmed.split('.')) {
    const match = SEGMENT.exec(segment);
    if (!match || (!match[1] && !match[2])) {
      throw new Error(
        `'${path}' is not a path like key, result.sys_id or data[0].id (bad part '${segment}')`,
      );
    }
    if (match[1]) steps.push(match[1]);
    for (const index of match[2].matchAll(/\[(\d+)\]/g))
      steps.push(Number(index[1]));
  }
  return steps;
}

/** The value at a path, or undefined when any step is missing. */
export function readResponsePath(body: unknown, path: string): unknown {
  let node: unknown = body;
  for (const step of parseResponsePath(path)) {
    if (node === null || node === undefined) return undefined;
    if (typeof step === 'number') {
      if (!Array.isArray(node)) return undefined;
      node = node[step];
    } else {
      if (typeof node !== 'object' || Array.isArray(node)) return undefined;
      if (!Object.prototype.hasOwnProperty.call(node, step)) return undefined;
      node = (node as Record<string, unknown>)[step];
    }
  }
  return node;
}

/** A scalar at a path as text (ids may be numbers), or undefined. */
export function readResponseText(
  body: unknown,
  path: string,
): string | undefined {
  const value = readResponsePath(body, path);
  if (typeof value === 'string' && value.length) return value;
  if (typeof value === 'number' && Number.isFinite(value)) return String(value);
  return undefined;
}
