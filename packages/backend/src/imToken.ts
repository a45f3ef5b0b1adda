/**
 * DESIGN.md "Access": when the environment holds `IM_TOKEN`, the backend also accepts
 * `Authorization: Bearer $IM_TOKEN` as a Backstage external-access static token, which is
 * how the `im` command line authenticates. It is set through Backstage's `APP_CONFIG_`
 * environment overrides so that no token is ever written to a config file, and so that
 * without the variable no static token exists at all.
 *
 * The token opens the itsm-sync plugin's API and nothing else (`accessRestrictions`), and
 * must carry at least 32 random bytes (README "Security"); people who want RBAC and the
 * audit log to name them use their own Backstage token with the CLI instead.
 */
const IM_TOKEN_MIN_LENGTH = 43;
const MIN_DISTINCT_CHARACTERS = 10;

export function applyImTokenAccess(env: NodeJS.ProcessEnv): void {
  const token = env.IM_TOKEN?.trim();
  if (!token) return;
  if (
    token.length < IM_TOKEN_MIN_LENGTH ||
    /\s/.test(token) ||
    new Set(token).size < MIN_DISTINCT_CHARACTERS
  ) {
    throw new Error(
      `IM_TOKEN must hold at least 32 random bytes: ${IM_TOKEN_MIN_LENGTH} or more characters, no whitespace, not a repeated pattern; make one with \`openssl rand -base64 32\``,
    );
  }
  env.APP_CONFIG_backend_auth_externalAccess = JSON.stringify([
    {
      type: 'static',
      options: { token, subject: 'im-cli' },
      accessRestrictions: [{ plugin: 'itsm-sync' }],
    },
  ]);
}
