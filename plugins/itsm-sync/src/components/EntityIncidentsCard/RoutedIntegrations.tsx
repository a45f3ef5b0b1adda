import useAsync from 'react-use/esm/useAsync';
import { useApi } from '@backstage/frontend-plugin-api';
import { Text } from '@backstage/ui';
import { itsmSyncApiRef } from '../../api/ItsmSyncApi';
import { InlineError } from '../shared/InlineError';
import { IntegrationName } from '../shared/IntegrationName';
import { SyncWithItsmButton } from './SyncWithItsmButton';

import { errorMessage } from '@itsm-sync-hub/plugin-itsm-sync-common';
/**
 * For an incident with no ticket yet: the integrations routing sends it to, each with why
 * and "Sync with ITSM", which opens the ticket now.
 */
export function RoutedIntegrations(props: { incidentId: string }) {
  const api = useApi(itsmSyncApiRef);
  const { value, error } = useAsync(
    () => api.previewRouting({ incident_id: props.incidentId }),
    [api, props.incidentId],
  );
  return (
    <>
      <Text as="p" variant="body-small" color="secondary">
        Not linked to any ITSM ticket yet.
      </Text>
      <InlineError
        message={error && `Routing could not be read: ${errorMessage(error)}`}
      />
      {value && value.matches.length > 0 && (
        <table
          style={{ width: '100%', borderSpacing: '8px 4px' }}
          aria-label="Routed integrations"
        >
          <tbody>
            {value.matches.map(match => (
              <tr key={match.integration_id}>
                <td>
                  <IntegrationName
                    name={match.integration_name}
                    type={match.integration_type}
                  />
                </td>
                <td>
                  <Text variant="body-x-small" color="secondary">
                    {match.explanation}
                  </Text>
                </td>
                <td>
                  <SyncWithItsmButton
                    integrationId={match.integration_id}
                    incidentId={props.incidentId}
                  />
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
    </>
  );
}
