/**
 * DESIGN.md "Access": when the environment holds `IM_TOKEN`, the backend also accepts
 * `Authorization: Bearer $IM_TOKEN` as a Backstage external-access static token, which is
 * how the `im` command line authenticates. It is set through Backstage's `APP_CONFIG_`
 * environment overrides so that no token is ever written to a config file, and so that
 * without the variable no static token exists at all.
 */
export function applyImTokenAccess(env: NodeJS.ProcessEnv): void {
  const token = env.IM_TOKEN?.trim();
  if (!token) return;
  if (token.length < 8 || /\s/.test(token)) {
    throw new Error('IM_TOKEN must be at least 8 characters long and contain no whitespace');
  }
  env.APP_CONFIG_backend_auth_externalAccess = JSON.stringify([
    { type: 'static', options: { token, subject: 'im-cli' } },
  ]);
}
