import {
  VendorHttpClient,
  type ConnectorContext,
} from '@itsm-sync-hub/plugin-itsm-sync-node';

/** A Jira Cloud REST client for one integration: basic auth with email + API token. */
export function jiraClient(ctx: ConnectorContext): VendorHttpClient {
  const { email, api_token: token } = ctx.integration.credentials;
  return new VendorHttpClient({
    baseUrl: ctx.integration.baseUrl,
    vendor: 'Jira',
    outbound: ctx.outbound,
    headers: () => ({
      authorization: `Basic ${Buffer.from(`${email ?? ''}:${token ?? ''}`).toString('base64')}`,
    }),
  });
}
