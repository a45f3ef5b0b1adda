import type { ItsmSyncDiscovery, ItsmSyncFetch } from './ItsmSyncClient';

/**
 * Where the itsm-sync API is when the backend's URL is known (the CLI, scripts, tests):
 * `<backendUrl>/api/<pluginId>`, as Backstage mounts plugins.
 * @public
 */
export function backendUrlDiscovery(backendUrl: string): ItsmSyncDiscovery {
  const root = backendUrl.replace(/\/+$/, '');
  return { getBaseUrl: async pluginId => `${root}/api/${pluginId}` };
}

/**
 * A fetch that sends `Authorization: Bearer <token>`, asking for the token on every call
 * (service and on-behalf-of tokens expire); no token sends no header.
 * @public
 */
export function fetchWithBearerToken(
  token: () => Promise<string | undefined> | string | undefined,
): ItsmSyncFetch {
  return {
    fetch: async (input, init) => {
      const value = await token();
      const headers = new Headers(init?.headers);
      if (value) headers.set('authorization', `Bearer ${value}`);
      return fetch(input, { ...init, headers });
    },
  };
}
