import useAsync from 'react-use/esm/useAsync';
import { ResponseErrorPanel } from '@backstage/core-components';
import { useApi } from '@backstage/frontend-plugin-api';
import { CellText, Table, Text, type ColumnConfig } from '@backstage/ui';
import type { FieldOwnershipRule } from '@itsm-sync-hub/plugin-itsm-sync-common';
import { itsmSyncApiRef } from '../../api/ItsmSyncApi';

type RuleRow = FieldOwnershipRule & { id: string };

const COLUMNS: ColumnConfig<RuleRow>[] = [
  {
    id: 'field',
    label: 'Field',
    isRowHeader: true,
    cell: r => <CellText title={r.field} />,
  },
  { id: 'owner', label: 'Owner', cell: r => <CellText title={r.owner} /> },
  {
    id: 'priority',
    label: 'Priority',
    cell: r => <CellText title={String(r.priority)} />,
  },
];

/** Which side owns each field of this integration (docs/sync-semantics.md#field-ownership). */
export function OwnershipRules(props: { integrationId: string }) {
  const api = useApi(itsmSyncApiRef);
  const { value, loading, error } = useAsync(
    () => api.listFieldOwnership(props.integrationId),
    [api, props.integrationId],
  );
  if (error) return <ResponseErrorPanel error={error} />;
  return (
    <div style={{ overflowX: 'auto', maxWidth: '100%' }}>
      <Table
        columnConfig={COLUMNS}
        data={value?.map(r => ({ ...r, id: r.field }))}
        isPending={loading}
        pagination={{ type: 'none' }}
        emptyState={
          <Text variant="body-small" color="secondary">
            No ownership rules: the connector's defaults apply.
          </Text>
        }
      />
    </div>
  );
}
