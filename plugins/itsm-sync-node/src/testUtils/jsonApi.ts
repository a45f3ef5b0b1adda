/** A hub REST call's answer in tests: its status and parsed JSON body (undefined when empty). @public */
export interface JsonApiResponse {
  status: number;
  body: any;
}

/**
 * A JSON caller for a hub's REST API in end-to-end tests. `base` is the API's base URL,
 * or a function giving it, for suites that learn the port in `beforeAll`.
 * @public
 */
export function jsonApi(base: string | (() => string)) {
  return async (
    method: string,
    path: string,
    body?: unknown,
    headers: Record<string, string> = {},
  ): Promise<JsonApiResponse> => {
    const res = await fetch(
      `${typeof base === 'string' ? base : base()}${path}`,
      {
        method,
        headers: {
          ...(body === undefined ? {} : { 'content-type': 'application/json' }),
          ...headers,
        },
        body: body === undefined ? undefined : JSON.stringify(body),
      },
    );
    const text = await res.text();
    return { status: res.status, body: text ? JSON.parse(text) : undefined };
  };
}
