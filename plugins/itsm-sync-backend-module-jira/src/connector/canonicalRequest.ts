import { createHash } from 'node:crypto';

/** RFC 3986 percent-encoding, as Atlassian's canonical request wants it. */
function percentEncode(value: string): string {
  return encodeURIComponent(value).replace(
    /[!'()*]/g,
    c => `%${c.charCodeAt(0).toString(16).toUpperCase()}`,
  );
}

/**
 * Atlassian Connect's canonical request `METHOD&path&query`: upper-case method; the path
 * without a trailing slash (`/` when empty) and with `&` encoded; the query's parameters
 * but `jwt`, sorted by name, names and values percent-encoded, repeated values sorted
 * and joined with commas.
 */
export function canonicalRequest(
  method: string,
  pathAndQuery: string,
  basePath?: string,
): string {
  const url = new URL(pathAndQuery, 'http://canonical.invalid');
  let path = url.pathname || '/';
  if (basePath && (path === basePath || path.startsWith(`${basePath}/`)))
    path = path.slice(basePath.length) || '/';
  if (path.length > 1) path = path.replace(/\/+$/, '');
  path = path.replace(/&/g, '%26');
  const values = new Map<string, string[]>();
  for (const [name, value] of url.searchParams) {
    if (name === 'jwt') continue;
    values.set(name, [...(values.get(name) ?? []), value]);
  }
  const query = [...values.keys()]
    .sort()
    .map(
      name =>
        `${percentEncode(name)}=${values.get(name)!.map(percentEncode).sort().join(',')}`,
    )
    .join('&');
  return `${method.toUpperCase()}&${path}&${query}`;
}

/** The `qsh` claim a Connect JWT must carry for this request. */
export function queryStringHash(
  method: string,
  pathAndQuery: string,
  basePath?: string,
): string {
  return createHash('sha256')
    .update(canonicalRequest(method, pathAndQuery, basePath))
    .digest('hex');
}
