import type { ConnectorInfoResponse } from '@itsm-sync-hub/plugin-itsm-sync-common';

/**
 * Integration types whose connector authenticates callbacks with hub-issued tokens (the
 * `callbackTokens` capability, today the generic ITSM webhook). The others verify their
 * vendor's signature instead, so a token issued for them would never be checked.
 */
export function callbackTokenTypes(
  connectors: ConnectorInfoResponse[],
): ReadonlySet<string> {
  return new Set(
    connectors.filter(c => c.capabilities.callbackTokens).map(c => c.type),
  );
}
