import useAsync from 'react-use/esm/useAsync';
import { useApi } from '@backstage/frontend-plugin-api';
import { Cell, CellText, Table, Text, type ColumnConfig } from '@backstage/ui';
import {
  errorMessage,
  type RoutingPreviewResponse,
} from '@itsm-sync-hub/plugin-itsm-sync-common';
import { itsmSyncApiRef } from '../../api/ItsmSyncApi';
import { InlineError } from '../shared/InlineError';
import { SyncWithItsmButton } from './SyncWithItsmButton';

type RoutedRow = RoutingPreviewResponse['matches'][number] & {
  id: string;
  incidentId: string;
};

const COLUMNS: ColumnConfig<RoutedRow>[] = [
  {
    id: 'integration',
    label: 'Integration',
    isRowHeader: true,
    cell: m => (
      <CellText title={m.integration_name} description={m.integration_type} />
    ),
  },
  {
    id: 'why',
    label: 'Why',
    minWidth: 200,
    cell: m => (
      <Cell>
        <Text variant="body-x-small" color="secondary">
          {m.explanation}
        </Text>
      </Cell>
    ),
  },
  {
    id: 'action',
    label: 'Action',
    minWidth: 200,
    cell: m => (
      <Cell>
        <SyncWithItsmButton
          integrationId={m.integration_id}
          incidentId={m.incidentId}
        />
      </Cell>
    ),
  },
];

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
        <div style={{ overflowX: 'auto', maxWidth: '100%' }}>
          <Table
            columnConfig={COLUMNS}
            data={value.matches.map(m => ({
              ...m,
              id: m.integration_id,
              incidentId: props.incidentId,
            }))}
            pagination={{ type: 'none' }}
          />
        </div>
      )}
    </>
  );
}
