import type { IntegrationService } from '../sync/IntegrationService';

type CreateRequest = Parameters<IntegrationService['create']>[0];

let seq = 0;

/** A complete integration create request for tests: a `test` connector, bidirectional, defaults elsewhere. */
export function integrationRequest(
  overrides: Partial<CreateRequest> = {},
): CreateRequest {
  seq += 1;
  return {
    name: `integration-${seq}-${Math.random().toString(36).slice(2, 8)}`,
    organization_id: 'acme',
    integration_type: 'test',
    base_url: 'https://tickets.invalid',
    credentials: { token: 't' },
    webhook_secrets: [],
    sync_direction: 'bidirectional',
    enabled: true,
    conflict_strategy: 'last-write-wins',
    conflict_window_seconds: 5,
    rate_limit: null,
    backoff_multiplier: 1,
    settings: {},
    ...overrides,
  };
}
