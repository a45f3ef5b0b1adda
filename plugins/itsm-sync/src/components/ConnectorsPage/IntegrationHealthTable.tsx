import { SYNC_METRICS } from '@itsm-sync-hub/plugin-itsm-sync-common';
import type { IntegrationResponse } from '@itsm-sync-hub/plugin-itsm-sync-common';
import { IntegrationHealthRow } from './IntegrationHealthRow';

/** Configured integrations, one row each, with the sync metric names as columns. */
export function IntegrationHealthTable(props: {
  integrations: IntegrationResponse[];
  /** Integration types whose connector accepts callback tokens. */
  callbackTokenTypes: ReadonlySet<string>;
}) {
  return (
    <div style={{ overflowX: 'auto' }}>
      <table
        aria-label="Configured integrations"
        style={{ borderSpacing: '12px 6px' }}
      >
        <thead>
          <tr>
            <th align="left">Integration</th>
            <th align="left">Health</th>
            {SYNC_METRICS.map(metric => (
              <th key={metric} align="right">
                {metric}
              </th>
            ))}
            <th align="right">dlq</th>
          </tr>
        </thead>
        <tbody>
          {props.integrations.map(integration => (
            <IntegrationHealthRow
              key={integration.id}
              integration={integration}
              callbackTokens={props.callbackTokenTypes.has(
                integration.integration_type,
              )}
            />
          ))}
        </tbody>
      </table>
    </div>
  );
}
