import {
  ConnectorError,
  VendorHttpClient,
  type ConnectorContext,
} from '@itsm-sync-hub/plugin-itsm-sync-node';
import { parseSettings } from './settings';

const PAGERDUTY_ACCEPT = 'application/vnd.pagerduty+json;version=2';

/** A REST API v2 client for one integration; `From` is added to writes only. */
export function pagerDutyClient(
  ctx: ConnectorContext,
  { write = false } = {},
): VendorHttpClient {
  const token = ctx.integration.credentials.token;
  if (!token) {
    throw new ConnectorError({
      message: 'PagerDuty credentials.token is not set',
      kind: 'permanent',
    });
  }
  const headers: Record<string, string> = {
    authorization: `Token token=${token}`,
    accept: PAGERDUTY_ACCEPT,
  };
  if (write) {
    const { fromEmail } = parseSettings(ctx.integration.settings);
    if (!fromEmail) {
      throw new ConnectorError({
        message:
          'PagerDuty needs settings.from_email (a PagerDuty user email, sent as the From header) for writes',
        kind: 'permanent',
      });
    }
    headers.from = fromEmail;
  }
  return new VendorHttpClient({
    baseUrl: ctx.integration.baseUrl,
    vendor: 'PagerDuty',
    headers: () => headers,
    outbound: ctx.outbound,
  });
}

/** Undefined on 404, the vendor's answer otherwise. */
export async function orUndefinedOn404<T>(
  call: Promise<T>,
): Promise<T | undefined> {
  try {
    return await call;
  } catch (error) {
    if (error instanceof ConnectorError && error.status === 404)
      return undefined;
    throw error;
  }
}
